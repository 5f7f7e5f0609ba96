"""``reind demo``: the whole platform on embedded defaults, and the demo's own data.

``run`` starts and stops the demo process (embedded broker, twins, gateway,
web app); ``users`` makes the demo sign-ins and its four worked RFS cases.
May import anything; only ``reind.cli`` imports it (import-linter contract).
"""

from reind.demo.run import DemoOptions, run_demo

__all__ = ["DemoOptions", "run_demo"]
