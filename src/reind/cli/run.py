"""``reind demo`` (the whole platform on embedded defaults) and ``reind serve``."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Annotated

import typer

from reind.cli import app, console, process_of


@app.command()
def demo(
    ctx: typer.Context,
    port: Annotated[int, typer.Option(help="Web port (a free one if taken).")] = 8000,
    host: Annotated[
        str, typer.Option(help="Web address; off loopback the cookies stay Secure (https).")
    ] = "127.0.0.1",
    mqtt_port: Annotated[int, typer.Option(help="MQTT port (a free one if taken).")] = 1883,
    speed: Annotated[
        float, typer.Option(help="Twin speed: simulated seconds per wall second.")
    ] = 1.0,
    data_dir: Annotated[
        Path | None, typer.Option(help="Where the demo keeps its data (default REIND_DATA_DIR).")
    ] = None,
) -> None:
    """Start everything: databases, broker, both twins, the gateway and the web app."""
    from reind.demo import DemoOptions, run_demo

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    settings = process_of(ctx).settings
    options = DemoOptions(
        data_dir=data_dir or settings.data_dir,
        web_port=port,
        mqtt_port=mqtt_port,
        speed=speed,
        host=host,
    )
    run_demo(options, console)


@app.command()
def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
) -> None:
    """Serve reind for real: REIND_DATABASE_URL, REIND_MQTT_URL, REIND_TELEMETRY_URL."""
    from reind.serve import run_serve

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    run_serve(process_of(ctx).settings, host, port, console)
