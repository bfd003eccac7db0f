"""`baotinh serve`: register the scheduled deployments and run them until interrupted."""

from __future__ import annotations

import argparse
import os

from baotinh.commands import registry_option, storage_options

NAME = "serve"
SUMMARY = "register the scheduled deployments (crawl, backfill, site-health, demo) and run them"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config", help="schedules and site groups (TOML; default: flows/schedules.toml)"
    )
    parser.add_argument(
        "--paused", action="store_true", help="register the schedules paused (runs by hand only)"
    )
    parser.add_argument(
        "--print",
        action="store_true",
        dest="dry_run",
        help="print the deployments and their schedules, register nothing",
    )
    registry_option(parser)
    storage_options(parser)


def run(args: argparse.Namespace) -> int:
    from flows.deployments import Schedules, build, serve_all
    from registry.config import Config

    schedules = Schedules.load(args.config)
    registry = args.registry or os.environ.get("BAOTINH_REGISTRY")
    # The runs are subprocesses of this one: they read the warehouse and data folder from here.
    config = Config.load(args.db, args.data_dir)
    os.environ["BAOTINH_DB"] = str(config.db_path.resolve())
    os.environ["BAOTINH_DATA"] = str(config.data_dir.resolve())
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    if args.dry_run:
        for deployment in build(schedules, registry=registry, paused=args.paused):
            crons = [s.schedule.cron for s in deployment.schedules or []]
            sites = deployment.parameters.get("sites")
            shown = f"{len(sites)} papers" if isinstance(sites, list) else ""
            when = ", ".join(crons) or "-"
            print(f"{deployment.name:<12} {deployment.flow_name:<13} {when:<14} {shown}")
        print(f"warehouse {config.db_path}, data {config.data_dir}")
        return 0
    print(f"baotinh serve: warehouse {config.db_path}, data {config.data_dir}", flush=True)
    serve_all(schedules, registry=registry, paused=args.paused)
    return 0
