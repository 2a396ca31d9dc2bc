"""Lambda entry points. `functions/<stage>/app.py` re-exports one of these as `lambda_handler`."""
