"""Static assets of the web UI (HTML, CSS, ES modules, offline basemap), served by sitroom.api."""
