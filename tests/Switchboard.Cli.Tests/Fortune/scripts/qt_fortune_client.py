"""A fortune client built on PyQt5's QtNetwork and QDataStream, reading the three framings as Qt's clients do.

Usage: qt_fortune_client.py (--tcp HOST PORT | --local NAME-OR-PATH) --framing qt5|qt4|local [--count N] [--timeout-ms MS]
Prints a JSON list of the fortunes read (ASCII-escaped, so the console encoding cannot alter them).
Exit codes: 0 ok, 2 connect failed, 3 timed out, 4 malformed (framing mismatch), 5 closed before a whole fortune.
Run it with Debian's /usr/bin/python3 (package python3-pyqt5).
"""
import argparse
import json
import sys
import time

from PyQt5.QtCore import QCoreApplication, QDataStream
from PyQt5.QtNetwork import QLocalSocket, QTcpSocket


class Failure(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code = code


def connect(args, timeout_ms):
    if args.tcp:
        sock = QTcpSocket()
        sock.connectToHost(args.tcp[0], int(args.tcp[1]))
    else:
        sock = QLocalSocket()
        sock.connectToServer(args.local)
    if not sock.waitForConnected(timeout_ms):
        raise Failure(2, "connect failed: " + sock.errorString())
    return sock


def wait_for(sock, enough, deadline):
    """Waits until enough() is true, as the clients' readyRead handlers do."""
    while not enough():
        remaining = int((deadline - time.monotonic()) * 1000)
        if remaining <= 0:
            raise Failure(3, "timed out")
        if not sock.waitForReadyRead(remaining) and not enough() and sock.state() != sock.ConnectedState:
            raise Failure(5, "closed before a whole fortune arrived")


def read_qt5(sock, stream, deadline):
    # Qt 5's fortuneclient: a read transaction around 'in >> nextFortune'.
    while True:
        available = sock.bytesAvailable()
        stream.startTransaction()
        text = stream.readQString()
        if stream.commitTransaction():
            return text
        wait_for(sock, lambda: sock.bytesAvailable() > available, deadline)


def read_qt4(sock, stream, deadline):
    # Qt 4's fortuneclient (and PyQt5's port): quint16 block size, wait for the block, then the QString.
    wait_for(sock, lambda: sock.bytesAvailable() >= 2, deadline)
    block_size = stream.readUInt16()
    wait_for(sock, lambda: sock.bytesAvailable() >= block_size, deadline)
    text = stream.readQString()
    if 4 + len(text.encode("utf-16-le")) != block_size:
        raise Failure(4, "block size %d does not match a QString of %d units" % (block_size, len(text)))
    return text


def read_local(sock, stream, deadline):
    # Qt's localfortuneclient: quint32 length in UTF-16 units, then the QString.
    wait_for(sock, lambda: sock.bytesAvailable() >= 4, deadline)
    units = stream.readUInt32()
    wait_for(sock, lambda: sock.bytesAvailable() >= 4 + 2 * units, deadline)
    text = stream.readQString()
    if len(text.encode("utf-16-le")) // 2 != units:
        raise Failure(4, "announced %d UTF-16 units, QString has %d" % (units, len(text)))
    return text


def main():
    parser = argparse.ArgumentParser()
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--tcp", nargs=2, metavar=("HOST", "PORT"))
    where.add_argument("--local")
    parser.add_argument("--framing", choices=["qt5", "qt4", "local"], required=True)
    parser.add_argument("--count", type=int, default=1)
    parser.add_argument("--timeout-ms", type=int, default=5000)
    args = parser.parse_args()
    app = QCoreApplication(sys.argv)
    reader = {"qt5": read_qt5, "qt4": read_qt4, "local": read_local}[args.framing]
    fortunes = []
    try:
        for _ in range(args.count):
            deadline = time.monotonic() + args.timeout_ms / 1000.0
            sock = connect(args, args.timeout_ms)
            stream = QDataStream(sock)
            stream.setVersion(QDataStream.Qt_5_10)
            fortunes.append(reader(sock, stream, deadline))
            sock.abort()
    except Failure as failure:
        print(str(failure), file=sys.stderr)
        return failure.code
    print(json.dumps(fortunes))
    del app
    return 0


if __name__ == "__main__":
    sys.exit(main())
