"""An SMTP sink for the mail integration test.

Run as: PYTHONPATH=tests python3 -m aiosmtpd -n -l 127.0.0.1:PORT -c smtp_sink.Sink FOLDER

Every message received is written to FOLDER as NAME.eml (the raw message) and
NAME.json (envelope recipients, the decoded Subject and the Message-ID), each
file renamed into place only when complete.
"""

import email
import email.policy
import json
import os
import time


class Sink:
    def __init__(self, folder):
        self.folder = folder
        self.count = 0

    @classmethod
    def from_cli(cls, parser, *args):
        if len(args) != 1:
            parser.error("smtp_sink.Sink needs the output folder")
        return cls(args[0])

    def _write(self, name, data):
        tmp = os.path.join(self.folder, name + ".tmp")
        with open(tmp, "wb") as f:
            f.write(data)
        os.rename(tmp, os.path.join(self.folder, name))

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        raw = envelope.original_content or envelope.content
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        name = "%d-%d-%d" % (time.time_ns(), os.getpid(), self.count)
        self._write(name + ".eml", raw)
        meta = {
            "to": list(envelope.rcpt_tos),
            "subject": str(msg["subject"]),
            "message_id": str(msg["message-id"]),
        }
        self._write(name + ".json", json.dumps(meta, ensure_ascii=False).encode("utf-8"))
        return "250 Message accepted for delivery"
