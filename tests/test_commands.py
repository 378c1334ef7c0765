"""Every command is there in `flask --help` and its group's help, however it is loaded."""
import pytest


@pytest.mark.parametrize(("group", "commands"), [
    ([], ["bank", "db", "demo", "documents", "export", "init", "stats", "users"]),
    (["bank"], ["check", "coverage", "export", "import", "load"]),
    (["demo"], ["seed"]),
    (["documents"], ["add", "export", "update"]),
    (["db"], ["backup", "restore", "upgrade"]),
])
def test_each_group_lists_its_commands(runner, group, commands):
    result = runner.invoke(args=[*group, "--help"])
    assert result.exit_code == 0, result.output
    listed = result.output.split("Commands:")[1].split()
    assert all(name in listed for name in commands), result.output


def test_a_command_loaded_on_demand_has_its_options(runner):
    result = runner.invoke(args=["demo", "seed", "--help"])
    assert result.exit_code == 0
    assert "--learners" in result.output and "--force" in result.output
    result = runner.invoke(args=["bank", "coverage", "--help"])
    assert result.exit_code == 0 and "--threshold" in result.output
