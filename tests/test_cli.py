import json
import subprocess
import sys

import pytest

from assistant import cli


def run_cli(*args, stdin=None):
    return subprocess.run(
        [sys.executable, "-m", "assistant", *args],
        capture_output=True,
        text=True,
        input=stdin,
        timeout=120,
    )


def test_help_does_not_import_torch():
    code = (
        "import sys; from assistant.cli import build_parser; build_parser().format_help(); "
        "print('torch' in sys.modules, 'transformers' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "False False"
    assert run_cli("--help").returncode == 0


@pytest.mark.parametrize(
    "args, message",
    [
        (["suggest", "--channel", "fax", "hello there"], "error: Unknown channel 'fax'"),
        (["suggest", "   "], "error: The complaint is empty or only whitespace"),
    ],
)
def test_bad_input_exits_non_zero_with_one_clear_line(args, message):
    out = run_cli(*args)
    assert out.returncode == 2
    assert out.stderr.startswith(message)
    assert "Traceback" not in out.stderr


def test_stdin_dash_reads_the_complaint(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO("  "))
    assert cli.main(["suggest", "-"]) == 2
    assert "empty" in capsys.readouterr().err


def test_brands_lists_the_policies():
    out = run_cli("brands")
    assert out.returncode == 0
    assert len(out.stdout.splitlines()) >= 30


def test_cases_stats_prints_facets():
    out = run_cli("cases", "stats")
    assert out.returncode == 0
    assert out.stdout.splitlines()[1].startswith("industry")
    assert "distinct 3-grams" in out.stdout


def test_models_verify_checks_the_small_model_digest(tmp_path):
    out = run_cli("models", "verify")
    assert "smollm2-135m: ok" in out.stdout
    assert out.returncode == 0, out.stdout


def test_json_output_of_analyse():
    out = run_cli("analyse", "--json", "--channel", "twitter", "Call me on 555-014-7788 now!!")
    assert out.returncode == 0
    assert json.loads(out.stdout)["private_data"] == ["phone"]


def test_brands_add_writes_a_validated_policy(tmp_path, monkeypatch):
    import shutil

    from assistant.config import REPO_ROOT
    from assistant.library.policy import load_policies

    data = tmp_path / "data"
    shutil.copytree(REPO_ROOT / "data/brands", data / "brands")
    for name in ("channels.yaml", "policy_default.yaml"):
        shutil.copy(REPO_ROOT / "data" / name, data / name)
    monkeypatch.setenv("ASSISTANT_DATA_DIR", str(data))
    args = ["brands", "add", "--name", "My Company", "--industry", "ecommerce"]
    assert cli.main([*args, "--remedies", "refund_review,voucher", "--max-voucher", "10"]) == 0
    policy = load_policies(data).brands["My Company"]
    assert (policy.remedies, policy.max_voucher, policy.currency) == (
        ("refund_review", "voucher"),
        10.0,
        "EUR",
    )
    assert cli.main(args) == 2  # a second time: it exists
    assert cli.main(["brands", "add", "--name", "X", "--remedies", "free_money"]) == 2
