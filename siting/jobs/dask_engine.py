"""Running partitions of work on a Dask cluster, without sending anything confidential.

The screening job (:mod:`siting.jobs.screen`) strips every lead down to what ranking needs
before it is shipped (:func:`siting.jobs.screen.wire_profile`: no name, no id, no file or row);
this module decides *where* it may be shipped and runs it there:

- with no address, a local cluster of two worker processes whose every port (status page
  included) listens on 127.0.0.1 only;
- a scheduler on this machine (``localhost``, ``127.0.0.0/8``, ``::1``, or ``inproc://``);
- a scheduler elsewhere only over TLS (``tls://`` or ``wss://``), with Dask's own security
  settings (``distributed.comm.tls.*`` in the Dask configuration, e.g. the environment
  variables ``DASK_DISTRIBUTED__COMM__TLS__CA_FILE``, ``..._CLIENT__CERT``,
  ``..._CLIENT__KEY``) and encryption required, or when the caller explicitly allows an
  insecure one (``allow_insecure=True``, ``--allow-insecure-scheduler``).

A host name other than ``localhost`` is not looked up (that would itself reach the network):
it counts as another machine. A scheduler that does not answer as Dask does within
:data:`CONNECT_TIMEOUT_S` is a located input error, never a hang.
"""

from __future__ import annotations

import ipaddress
import logging
import math
from collections.abc import Callable, Sequence
from typing import Any

from siting._errors import Problem, SitingInputError, excerpt

#: Seconds to wait for a scheduler to answer (a wrong address, or a server that is no Dask
#: scheduler) [s].
CONNECT_TIMEOUT_S: float = 10.0

#: Address schemes that encrypt the traffic.
SECURE_SCHEMES: tuple[str, ...] = ("tls", "wss")


def _option_problem(message: str) -> SitingInputError:
    return SitingInputError(
        Problem(file="<options>", column="scheduler", label="option", message=message)
    )


def is_loopback(host: str) -> bool:
    """Return whether a host names this machine (``localhost`` or a loopback address)."""
    host = host.strip("[]")
    if host.casefold() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_scheduler(address: str, *, allow_insecure: bool = False) -> str:
    """Return the scheme of a scheduler address the leads' needs may be sent to, or raise.

    Parameters
    ----------
    address
        ``tcp://127.0.0.1:8786``, ``tls://host:8786``, ...
    allow_insecure
        Accept a scheduler on another machine without TLS.

    Returns
    -------
    str
        The address scheme (``tcp``, ``tls``, ...).

    Raises
    ------
    SitingInputError
        For an address that cannot be read, or a scheduler elsewhere without TLS (unless
        allowed).
    """
    from distributed.comm.addressing import parse_address, parse_host_port

    try:
        scheme, location = parse_address(address)
        if scheme == "inproc":
            return scheme
        host, _ = parse_host_port(location)
    except (ValueError, TypeError) as exc:
        raise _option_problem(
            f"{excerpt(address)} is not a scheduler address like tcp://127.0.0.1:8786 "
            f"({excerpt(str(exc), quote=False)})"
        ) from None
    if scheme in SECURE_SCHEMES or is_loopback(str(host)) or allow_insecure:
        return scheme
    raise _option_problem(
        f"{excerpt(address)} is not on this machine and not encrypted: every lead's needs "
        "would cross the network in clear text. Use tls://HOST:PORT with Dask's TLS settings "
        "(distributed.comm.tls.*), or pass --allow-insecure-scheduler "
        "(allow_insecure_scheduler=True) if the network is trusted"
    )


def open_client(scheduler: str | None, *, allow_insecure: bool = False) -> tuple[Any, Any]:
    """Return ``(client, cluster)``: a client of the scheduler, or of a new local cluster.

    Raises
    ------
    SitingInputError
        When the address is refused (:func:`check_scheduler`) or the scheduler cannot be
        reached or does not answer as Dask does within :data:`CONNECT_TIMEOUT_S`.
    """
    from distributed import Client, LocalCluster, Security

    if scheduler is None:
        cluster = LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address="127.0.0.1:0",
            silence_logs=logging.ERROR,
        )
        try:
            return Client(cluster), cluster
        except BaseException:
            cluster.close()
            raise
    scheme = check_scheduler(scheduler, allow_insecure=allow_insecure)
    security = Security(require_encryption=True) if scheme in SECURE_SCHEMES else None
    try:
        _probe(scheduler, security)
        client = Client(scheduler, timeout=CONNECT_TIMEOUT_S, security=security)
    except Exception as exc:  # refused, timed out, TLS not set up, not a Dask scheduler
        hint = (
            "; check Dask's TLS settings (distributed.comm.tls.ca-file, .client.cert, .client.key)"
            if scheme in SECURE_SCHEMES
            else ""
        )
        why = (
            f"{type(exc).__name__}: {excerpt(str(exc), limit=120, quote=False)}"
            if isinstance(exc, OSError | TimeoutError)
            else "the server there does not answer as a Dask scheduler"
        )
        raise _option_problem(
            f"cannot connect to a Dask scheduler at {excerpt(scheduler)} within "
            f"{CONNECT_TIMEOUT_S:g} s ({why}){hint}"
        ) from None
    return client, None


def _probe(address: str, security: Any) -> None:
    """Open and close one connection to ``address``, within :data:`CONNECT_TIMEOUT_S`.

    ``distributed.Client`` waits without end for a server that accepts the connection but
    never answers the handshake; this bounds the wait.
    """
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    from distributed.comm import connect

    args = security.get_connection_args("client") if security is not None else {}

    async def once() -> None:
        comm = await asyncio.wait_for(
            connect(address, timeout=CONNECT_TIMEOUT_S, **args), CONNECT_TIMEOUT_S
        )
        await comm.close()

    with ThreadPoolExecutor(1) as pool:  # its own event loop, also under a running one
        pool.submit(asyncio.run, once()).result()


def run_partitions(
    func: Callable[..., list[Any]],
    items: Sequence[Any],
    shared: Any,
    *,
    scheduler: str | None,
    allow_insecure: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> list[Any]:
    """Run ``func(part, shared)`` over partitions of ``items`` on Dask; results in item order.

    Parameters
    ----------
    func
        Takes a list of items and the shared object; returns one result per item.
    items
        What to distribute; each must be free of confidential text already.
    shared
        Sent once to every worker.
    scheduler, allow_insecure
        Where to run (:func:`open_client`).
    progress
        Called as ``progress(done, total)``.

    Returns
    -------
    list
    """
    from distributed import as_completed

    client, cluster = open_client(scheduler, allow_insecure=allow_insecure)
    try:
        n_workers = max(1, len(client.scheduler_info().get("workers", {})) or 2)
        size = max(1, math.ceil(len(items) / (4 * n_workers)))
        parts = [list(items[k : k + size]) for k in range(0, len(items), size)]
        [remote] = client.scatter([shared], broadcast=True)
        futures = [client.submit(func, part, remote, pure=False) for part in parts]
        sizes = {f.key: len(p) for f, p in zip(futures, parts, strict=True)}
        done = 0
        for future in as_completed(futures):
            done += sizes[future.key]
            if progress is not None:
                progress(done, len(items))
        results = client.gather(futures)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return [outcome for part in results for outcome in part]
