"""A local SMTP sink for the web tests: every message received is written, as its raw bytes,
to a new file in OUT_DIR (written under a temporary name, then renamed, so a reader never
sees half a message). Prints "ready PORT" once listening; stops on SIGTERM or end of stdin.

usage: sink.py PORT OUT_DIR
"""
import os
import sys
import threading
import uuid

from aiosmtpd.controller import Controller


class Keep:
    def __init__(self, out):
        self.out = out

    async def handle_DATA(self, server, session, envelope):
        name = uuid.uuid4().hex
        tmp = os.path.join(self.out, "." + name)
        with open(tmp, "wb") as f:
            f.write(envelope.original_content or envelope.content)
        os.rename(tmp, os.path.join(self.out, name + ".eml"))
        return "250 OK"


def main():
    port, out = int(sys.argv[1]), sys.argv[2]
    os.makedirs(out, exist_ok=True)
    c = Controller(Keep(out), hostname="127.0.0.1", port=port)
    c.start()
    print("ready", port, flush=True)
    done = threading.Event()
    # The test holds our stdin open; its end (the test dropped us) stops the sink.
    threading.Thread(target=lambda: (sys.stdin.read(), done.set()), daemon=True).start()
    done.wait()
    c.stop()


if __name__ == "__main__":
    main()
