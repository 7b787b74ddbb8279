"""The live preview: build into a folder, serve it, rebuild and reload the open pages on every save.

server.py runs it (building, serving, long-polls), handler.py speaks HTTP, hosts.py decides which
requests are answered, overlay.py adds the reload script and the error overlay to pages, watch.py
turns saves into builds. `timeline serve` (cli.py) puts them together.
"""

from .handler import PortInUse
from .overlay import OVERLAY_ID, RELOAD_PATH, inject
from .server import PreviewServer
from .watch import is_ignored

__all__ = ["OVERLAY_ID", "RELOAD_PATH", "PortInUse", "PreviewServer", "inject", "is_ignored"]
