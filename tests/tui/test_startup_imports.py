"""What the app loads before its login screen: only what that screen needs.

Every module here is used by some feature (webhooks, e-mail, two-factor, the
scheduler, the demo) but never by start-up; loading them at import time cost
the login screen about a fifth of its start-up (see the `app` benchmark).
"""

from __future__ import annotations

import subprocess
import sys

LATER = ("pandas", "pyarrow", "httpx", "smtplib", "email", "pyotp", "segno", "croniter", "dateutil",
         "multiprocessing", "sqlite_utils", "fpdf", "PIL")
LATER_OURS = ("payflow_tui.services.demo_builder", "payflow_tui.services.demo_process",
              "payflow_tui.cli.cmd_money", "payflow_tui.tui.screens.reports",
              "payflow_tui.services.report_pdf")


def test_starting_the_app_loads_no_module_only_a_feature_needs():
    code = ("import sys, payflow_tui.cli, payflow_tui.tui.launch, payflow_tui.tui.app, payflow_tui.tui.screens.login;"
            f"print(sorted(m for m in sys.modules if m.split('.')[0] in {LATER!r} or m in {LATER_OURS!r}))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_the_features_still_load_their_modules_when_used():
    from payflow_tui.services import cron, totp

    assert cron.valid_schedule("0 0 * * *") and not cron.valid_schedule("every day")
    assert len(totp.new_secret()) == 32
    uri = totp.provisioning_uri(totp.new_secret(), "ada@bank.test")
    assert uri.startswith("otpauth://totp/PayFlow:ada%40bank.test?")
    assert len(totp.qr_text(uri).splitlines()) > 10
