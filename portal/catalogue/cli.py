"""`flask catalogue load [PATH]`: load the organisation and procedures from a data file."""
from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from portal.catalogue.operations import CatalogueError, load_catalogue, read_catalogue_file
from portal.services.unit_of_work import commit

catalogue_cli = AppGroup("catalogue", help="The procedure catalogue.")


@catalogue_cli.command("load")
@click.argument("path", required=False)
def load(path: str | None) -> None:
    """Create or update the catalogue from PATH (default: CATALOGUE_FILE). Safe to repeat."""
    path = path or current_app.config["CATALOGUE_FILE"]
    from portal.dossiers.operations import realign_awaited_signers

    try:
        stats = load_catalogue(read_catalogue_file(path))
    except (CatalogueError, KeyError, ValueError) as exc:
        raise click.ClickException(f"catalogue not loaded: {exc}") from exc
    moved = realign_awaited_signers()
    if moved:
        stats["proposals sent to their procedure's first signer"] = moved
    commit()
    if not stats:
        click.echo(f"{path}: catalogue already up to date.")
        return
    click.echo(f"{path}: " + ", ".join(f"{n} {what}" for what, n in sorted(stats.items())))
