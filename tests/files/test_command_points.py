"""The commands' smaller points: names, refusals that say what would work, and a busy port."""
import socket
import sys

import pytest

from server import __main__ as command
from server.export_files.cli import main
from tests.support.exports import SAMPLE

AS_OF = "2022-06-20 12:00:00"


@pytest.mark.parametrize("name", ["annotate", "digest"])
def test_the_installed_command_shows_its_own_name_in_usage(name, monkeypatch, capsys):
    monkeypatch.setattr(sys, "argv", ["/usr/local/bin/jdpg", name, "--help"])
    with pytest.raises(SystemExit) as done:
        command.main()
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith(f"usage: jdpg {name} ") and "python -m server" not in out


def test_help_lists_the_known_campaign_ids(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = " ".join(capsys.readouterr().out.split())
    assert "jingxi_618_2022" in out and "jd_intl_618_2022" in out


def test_an_output_name_that_is_neither_xlsx_nor_csv_is_refused(tmp_path, capsys):
    out = tmp_path / "out.txt"
    assert main([str(SAMPLE), "--as-of", AS_OF, "-o", str(out)]) == 1
    assert not out.exists() and ".xlsx 或 .csv" in capsys.readouterr().err
    assert main([str(SAMPLE), "--as-of", AS_OF, "-o", str(tmp_path / "out.csv"), "--format", "xlsx"]) == 1
    assert "--format is xlsx" in capsys.readouterr().err
    # Said explicitly, any name is taken: the format is the one asked for.
    main([str(SAMPLE), "--as-of", AS_OF, "-o", str(out), "--format", "csv"])
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")


def test_a_folder_as_input_is_said_to_be_a_folder(tmp_path, capsys):
    assert main([str(tmp_path), "--as-of", AS_OF]) == 1
    err = capsys.readouterr().err
    assert "是文件夹" in err and "is a folder" in err and "no such file" not in err


def test_a_bad_as_of_shows_a_form_that_works(capsys):
    assert main([str(SAMPLE), "--as-of", "tomorrow"]) == 1
    err = capsys.readouterr().err
    assert '--as-of "2022-06-20 12:00:00"' in err and "'tomorrow'" in err


def test_an_unknown_map_field_suggests_the_closest_not_every_name(capsys):
    with pytest.raises(SystemExit) as done:
        main([str(SAMPLE), "--map", "揽收=pickup_at"])
    assert done.value.code == 2
    error = capsys.readouterr().err.strip().splitlines()[-1]  # after argparse's usage lines
    assert "did you mean picked_up_at?" in error and "shown_ship_by" not in error and len(error) < 300
    with pytest.raises(SystemExit):
        main([str(SAMPLE), "--map", "付款日期=付款时间"])
    assert "是不是 paid_at" in capsys.readouterr().err


def test_column_is_the_same_option_as_map(tmp_path, capsys):
    source = tmp_path / "orders.csv"
    source.write_bytes(SAMPLE.read_bytes().decode("gbk").replace("付款确认时间", "付款日期", 1).encode("gbk"))
    assert main([str(source), "--as-of", AS_OF, "-o", str(tmp_path / "out.csv"), "--families", "shipping",
                 "--column", "付款日期=paid_at"]) == 0
    assert "超时 late: 28 " in capsys.readouterr().out


def test_a_busy_port_is_said_in_both_languages(capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert command.serve(["--port", str(port)]) == 2
    err = capsys.readouterr().err
    assert f"端口 127.0.0.1:{port} 无法使用" in err and f"port 127.0.0.1:{port} cannot be used" in err
    assert "--port 0" in err
