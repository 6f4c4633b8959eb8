"""Drives one of Qt's own GUI fortune clients through accessibility (AT-SPI), and prints what it shows.

Usage: qt_gui_fortune_client.py PROGRAM (--host HOST --port PORT | --server NAME) [--timeout-s S]
Run inside an X server (Xvfb) and a D-Bus session (dbus-run-session), with Debian's /usr/bin/python3
(packages xvfb, dbus-daemon, at-spi2-core, python3-pyatspi, qtbase5-examples).
It fills in the client's form, presses "Get Fortune" and waits until the button is enabled again (the client has
read a whole fortune) or an error box appears. Prints JSON: {"labels": [...], "dialogs": [...]}.
Exit codes: 0 done, 3 timed out (JSON still printed), 4 the client's widgets were not found.
"""
import argparse
import json
import os
import subprocess
import sys
import time

import pyatspi
from gi.repository import GLib


def pause(seconds):
    """Sleeps while letting libatspi handle D-Bus signals: without it, its cached view of the desktop goes stale."""
    end = time.monotonic() + seconds
    context = GLib.MainContext.default()
    while time.monotonic() < end:
        while context.pending():
            context.iteration(False)
        time.sleep(0.02)


def walk(acc):
    yield acc
    for i in range(acc.childCount):
        child = acc.getChildAtIndex(i)
        if child is not None:
            yield from walk(child)


def find_app(name, deadline):
    while time.monotonic() < deadline:
        desktop = pyatspi.Registry.getDesktop(0)
        for i in range(desktop.childCount):
            app = desktop.getChildAtIndex(i)
            if app is not None and app.name == name:
                return app
        pause(0.1)
    return None


def by_role(app, role):
    return [a for a in walk(app) if a.getRoleName() == role]


def set_text(acc, text):
    acc.queryEditableText().setTextContents(text)


def enabled(acc):
    return acc.getState().contains(pyatspi.STATE_ENABLED)


def snapshot(app):
    labels = [a.name for a in by_role(app, "label")]
    dialogs = [a.name for a in walk(app) if a.getRoleName() in ("dialog", "alert") and a.getIndexInParent() > 0]
    return labels, dialogs


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("program")
    parser.add_argument("--host")
    parser.add_argument("--port")
    parser.add_argument("--server")
    parser.add_argument("--timeout-s", type=float, default=20)
    args = parser.parse_args()
    deadline = time.monotonic() + args.timeout_s

    env = dict(os.environ, QT_LINUX_ACCESSIBILITY_ALWAYS_ON="1")
    client = subprocess.Popen([args.program], env=env)
    try:
        # Qt first, then the accessibility bus: Qt joins the bus when it sees it appear. Started the other way
        # round (bus already there when Qt starts), Qt 5.15 fails to register in about half the runs.
        pause(1.0)
        pyatspi.Registry.getDesktop(0)
        # The whole deadline, not a slice of it: on a loaded 2-core CI machine Qt alone took over 15 s to show up.
        app = find_app(os.path.basename(args.program), deadline)
        if app is None:
            print("the Qt client did not appear on the accessibility bus", file=sys.stderr)
            return 4
        texts = by_role(app, "text")
        buttons = [b for b in by_role(app, "push button") if b.name == "Get Fortune"]
        if not texts or not buttons:
            print("no text fields or no Get Fortune button", file=sys.stderr)
            return 4
        if args.server is not None:
            set_text(texts[-1], args.server)
        else:
            # The host combo box's line edit comes first, then the port field. Only loopback is ever typed here.
            set_text(texts[0], args.host)
            set_text(texts[-1], args.port)
        initial_labels, _ = snapshot(app)
        button = buttons[0]
        while not enabled(button) and time.monotonic() < deadline:
            pause(0.05)
        button.queryAction().doAction(0)
        pause(0.2)
        code = 3
        while time.monotonic() < deadline:
            labels, dialogs = snapshot(app)
            if dialogs or (enabled(button) and labels != initial_labels):
                code = 0
                break
            pause(0.1)
        labels, dialogs = snapshot(app)
        print(json.dumps({"labels": labels, "dialogs": dialogs}))
        return code
    finally:
        client.kill()
        client.wait(10)


if __name__ == "__main__":
    sys.exit(main())
