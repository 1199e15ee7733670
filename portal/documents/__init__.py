"""Documents: the PDF slips issued on a dossier (receipt first of all)."""
