"""`gkreport serve`: check what it was given, prepare the database, run the site.

Everything a user can get wrong is checked before the site starts and told in one line, in
Chinese, with a non-zero exit status and no traceback (``ServeError``): a port that is not a
number or out of range, a port in use or not allowed, an address that is not this machine's, a
database whose folder does not exist, a folder given as the database, a file that is not an
SQLite database. The port is bound first, so a port in use is found before the bundled reports
are ingested, and the server is handed that very socket.
"""

from __future__ import annotations

import errno
import socket
import sqlite3
from pathlib import Path

from .store import SQLITE_HEADER


class ServeError(Exception):
    """What stopped the site from starting, as the one line to show the user."""


def parse_port(value: str) -> int:
    try:
        port = int(str(value).strip())
    except ValueError:
        raise ServeError(f"端口 {value!r} 无效：应为 0–65535 之间的整数（0 表示任选一个空闲端口）。") from None
    if not 0 <= port <= 65535:
        raise ServeError(f"端口 {port} 无效：应为 0–65535 之间的整数（0 表示任选一个空闲端口）。")
    return port


def bind(host: str, port: int) -> socket.socket:
    """A socket bound to host:port, or ServeError saying why it cannot be."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]
    except (socket.gaierror, UnicodeError) as e:
        raise ServeError(f"监听地址 {host!r} 无效：{getattr(e, 'strerror', None) or e}。"
                         "本机用 127.0.0.1，公开服务用 0.0.0.0。") from None
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a restart need not wait out TIME_WAIT
    try:
        sock.bind(address)
    except OSError as e:
        sock.close()
        if e.errno == errno.EADDRINUSE:
            raise ServeError(f"端口 {port} 已被占用（另一个网站或程序正在使用）：换一个端口，如 --port {port + 1 if port < 65535 else 8001}。") from None
        if e.errno == errno.EACCES:
            raise ServeError(f"没有权限监听端口 {port}：1024 以下的端口需要管理员权限，请换一个更大的端口。") from None
        if e.errno == errno.EADDRNOTAVAIL:
            raise ServeError(f"监听地址 {host} 不是本机的地址：本机用 127.0.0.1，公开服务用 0.0.0.0。") from None
        raise ServeError(f"无法监听 {host}:{port}：{e.strerror or e}。") from None
    return sock


def check_database(db_path: Path) -> None:
    """The database file can be served, or made there from the bundled samples."""
    if db_path.is_dir():
        raise ServeError(f"{db_path} 是一个文件夹，不是数据库文件：用 --db 指向 .db 文件。")
    if not db_path.exists():
        if not db_path.parent.is_dir():
            raise ServeError(f"数据库所在的文件夹 {db_path.parent} 不存在：先建好文件夹，或用 --db 指向已有的数据库。")
        return  # the bundled sample reports are ingested into it
    try:
        with open(db_path, "rb") as f:
            header = f.read(len(SQLITE_HEADER))
    except OSError as e:
        raise ServeError(f"无法读取数据库 {db_path}：{e.strerror or e}。") from None
    if header != SQLITE_HEADER:
        raise ServeError(f"{db_path} 不是 SQLite 数据库文件（或已损坏）：用 gkreport ingest 生成数据库。")


def check_release(db_path: Path) -> None:
    """A file served immutable is read as it is: it must exist and hold this version's search index
    and summary tables (`gkreport release` writes it so), since nothing may be added to it."""
    from .site import up_to_date

    if not db_path.exists():
        raise ServeError(f"数据库 {db_path} 不存在：--immutable 只用于已有的数据库（如 gkreport release 生成的发布包）。")
    if not up_to_date(db_path):
        raise ServeError(f"{db_path} 的搜索索引或汇总表不是这个版本的：--immutable 不会改动文件，"
                         "请先用 gkreport release 重新生成发布包（或不加 --immutable 运行一次）。")


def serve(db_path: str | Path, host: str = "127.0.0.1", port: str | int = 8001, echo=print,
          immutable: bool = False) -> None:
    """Check, prepare and run the site until it is stopped; ServeError for what stopped it.
    ``immutable``: serve a file that never changes, as it is (see check_release)."""
    import uvicorn

    from .site import build, prepare

    db_path = Path(db_path).absolute()
    check_database(db_path)
    if immutable:
        check_release(db_path)
    sock = bind(host, parse_port(port))
    try:
        try:
            db_path = db_path if immutable else prepare(db_path, echo)
            ds = build(db_path, immutable=immutable)
        except sqlite3.OperationalError as e:
            if "locked" in str(e):
                raise ServeError(f"数据库 {db_path} 正被另一个程序锁住（如正在导入）：请等它结束再启动网站。") from None
            raise ServeError(f"无法打开数据库 {db_path}：{e}。") from None
        except sqlite3.DatabaseError as e:
            raise ServeError(f"无法打开数据库 {db_path}：{e}（不是 SQLite 数据库文件或已损坏）。") from None
        except OSError as e:
            raise ServeError(f"无法打开数据库 {db_path}：{e.strerror or e}。") from None
        shown = sock.getsockname()
        address = f"[{shown[0]}]" if ":" in shown[0] else shown[0]
        echo(f"网站：http://{address}:{shown[1]}/    （数据库 {db_path}，只读；Ctrl+C 停止）")
        # Datasette runs the plugins' start-up hooks on the first request, inside the server's event
        # loop, so that tasks they start live as long as the server
        server = uvicorn.Server(uvicorn.Config(ds.app(), log_level="warning", lifespan="on"))
        server.run(sockets=[sock])
    finally:
        sock.close()
