"""The browser libraries of the dashboard's charts and world map, served by the application itself from
node_modules/ (installed by scripts/setup with `npm ci`), so an office without internet draws them too."""
from flask import Blueprint

from diaspora.config import PROJECT_ROOT

NODE_MODULES = PROJECT_ROOT / "node_modules"


def _package(name: str, package: str, folder: str = "") -> Blueprint:
    """A blueprint serving one folder of an installed package under /vendor/<package>/ (only that folder:
    the rest of node_modules is not the browser's business)."""
    return Blueprint(name, __name__, static_folder=str(NODE_MODULES / package / folder),
                     static_url_path=f"/vendor/{package}")


chart_js = _package("chart_js", "chart.js", "dist")
chart_geo = _package("chart_geo", "chartjs-chart-geo", "build")
# Country shapes (TopoJSON, Natural Earth 1:110m) whose ids are ISO 3166 numeric codes.
world_atlas = _package("world_atlas", "world-atlas")
PACKAGES = (chart_js, chart_geo, world_atlas)
