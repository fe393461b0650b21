"""`python server.py` serves the default store (./.kg-store, or $KG_STORE) on http://127.0.0.1:8000/.

For options (another store, RDF files, host, port, update token) use `kg serve --help`.
"""

from kg.cli import app

if __name__ == "__main__":
    app(["serve"])
