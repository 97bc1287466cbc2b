"""`gkreport publish cloudrun|fly RELEASE/ --install SPEC [OPTIONS…]`: a release's database published
with `datasette publish` as the site `gkreport serve` shows: the same metadata, templates, plugins,
static files and settings (site.SETTINGS), which `options` gives and the tests run locally.

`datasette publish` builds its own container, running `datasette serve -i gkreport.db` with Datasette's
own immutable database: every page, question, search and download is the same, but custom SQL and
MCP's SQL share the pages' threads (the separate lane of limits.py needs `gkreport serve`). For
that, deploy the Dockerfile at the top of the repository instead (`gcloud run deploy --source .`,
`fly deploy`). The package itself must be installable where the container is built: SPEC is a
pip requirement such as `gkreport @ git+https://…/gkreport.git` or the address of a wheel.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from . import site
from .release import DB_NAME

TARGETS = {"cloudrun": None, "fly": "datasette-publish-fly"}  # target → the plugin it needs


class PublishError(Exception):
    pass


def _setting(value) -> str:
    return ("on" if value else "off") if isinstance(value, bool) else str(value)


def options(install: list[str]) -> dict:
    """The arguments of datasette.utils.temporary_docker_directory (as `datasette publish` passes them)
    for gkreport's site."""
    settings = " ".join(f"--setting {k} {_setting(v)}" for k, v in site.SETTINGS.items())
    return {"metadata": site.METADATA, "template_dir": str(site.PLUGINS / "templates"),
            "plugins_dir": str(site.PLUGINS), "static": [("gk-static", str(site.PLUGINS / "static"))],
            "install": list(install), "extra_options": settings}


def command(target: str, release: Path, install: list[str], extra: list[str]) -> list[str]:
    """The `datasette publish` command line."""
    o = options(install)
    args = ["datasette", "publish", target, str(release / DB_NAME), "--metadata", str(o["metadata"]),
            "--template-dir", o["template_dir"], "--plugins-dir", o["plugins_dir"],
            "--extra-options", o["extra_options"]]
    for mount, folder in o["static"]:
        args += ["--static", f"{mount}:{folder}"]
    for spec in o["install"]:
        args += ["--install", spec]
    return args + list(extra)


def publish(target: str, release: Path, install: list[str], extra: list[str]) -> int:
    from .serving import check_release, ServeError

    if target not in TARGETS:
        raise PublishError(f"不支持发布到「{target}」：可选 {'、'.join(TARGETS)}。")
    if not install:
        raise PublishError("需要 --install：gkreport 的安装地址（pip 能安装的写法，如 "
                           "'gkreport @ git+https://…/gkreport.git' 或一个 wheel 的网址），容器中要安装它。")
    try:
        check_release(release / DB_NAME)
    except ServeError as e:
        raise PublishError(str(e)) from None
    if not shutil.which("datasette"):
        raise PublishError("找不到 datasette 命令。")
    plugin = TARGETS[target]
    if plugin and subprocess.run(["datasette", "publish", target, "--help"], capture_output=True).returncode != 0:
        raise PublishError(f"发布到 {target} 需要插件 {plugin}：datasette install {plugin}")
    return subprocess.run(command(target, release, install, extra)).returncode
