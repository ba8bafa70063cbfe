"""The GitHub workflows and pre-commit hooks a library repository runs."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT

WORKFLOWS = ROOT / ".github" / "workflows"
PINNED = re.compile(r"[\w.-]+/[\w./-]+@[0-9a-f]{40}")


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def _steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def _runs(job: dict[str, Any]) -> str:
    return "\n".join(step.get("run", "") for step in job["steps"])


@pytest.fixture(scope="module")
def pull_request() -> dict[str, Any]:
    """Return the pull-request workflow."""
    return _load(WORKFLOWS / "check-patterns.yml")


@pytest.fixture(scope="module")
def publish() -> dict[str, Any]:
    """Return the main-branch workflow."""
    return _load(WORKFLOWS / "publish-site.yml")


@pytest.mark.parametrize("name", sorted(p.name for p in WORKFLOWS.glob("*.yml")))
def test_actions_are_pinned_to_full_commits(name: str) -> None:
    text = (WORKFLOWS / name).read_text(encoding="utf-8")
    uses = [step["uses"] for step in _steps(_load(WORKFLOWS / name)) if "uses" in step]
    assert uses
    for action in uses:
        assert PINNED.fullmatch(action), action
        # The version the commit is, for people: `uses: owner/action@<sha> # vX.Y.Z`.
        assert re.search(rf"{re.escape(action)} # v\d", text), action


@pytest.mark.parametrize("name", sorted(p.name for p in WORKFLOWS.glob("*.yml")))
def test_permissions_are_read_only_unless_a_job_needs_more(name: str) -> None:
    workflow = _load(WORKFLOWS / name)
    assert workflow["permissions"] == {"contents": "read"}
    for job_name, job in workflow["jobs"].items():
        wider = {k: v for k, v in job.get("permissions", {}).items()
                 if (k, v) != ("contents", "read")}
        assert set(wider) <= {"pages", "id-token"}, job_name
        if wider == {"pages": "read"}:  # configure-pages asks Pages for the site's address
            assert any(step.get("uses", "").startswith("actions/configure-pages@")
                       for step in job["steps"]), f"{job_name} needs no pages permission"
        elif wider:
            assert any(step.get("uses", "").startswith("actions/deploy-pages@")
                       for step in job["steps"]), f"{job_name} needs no write permission"


@pytest.mark.parametrize("name", sorted(p.name for p in WORKFLOWS.glob("*.yml")))
def test_every_job_is_named_and_every_permission_says_why(name: str) -> None:
    for job_name, job in _load(WORKFLOWS / name)["jobs"].items():
        assert job.get("name"), f"{job_name} has no name"
    lines = (WORKFLOWS / name).read_text(encoding="utf-8").splitlines()
    grant = re.compile(r"\s*(contents|pages|id-token): (read|write)")
    grants = [line for line in lines if grant.match(line)]
    assert grants
    for line in grants:
        assert re.search(r": (read|write) # \S", line), line


def test_dependabot_updates_the_lock_the_bootstrap_and_the_actions() -> None:
    config = yaml.safe_load((ROOT / ".github" / "dependabot.yml").read_text(encoding="utf-8"))
    ecosystems = {update["package-ecosystem"] for update in config["updates"]}
    assert ecosystems == {"uv", "pip", "github-actions"}


def test_workflows_install_as_make_does(pull_request: dict[str, Any],
                                        publish: dict[str, Any]) -> None:
    for job in (*pull_request["jobs"].values(), publish["jobs"]["build"]):
        run = _runs(job)
        assert "make install" in run
        assert "pip install" not in run  # an unlocked install would test other versions


def test_pull_requests_are_checked_with_annotations(pull_request: dict[str, Any]) -> None:
    assert "pull_request" in pull_request["on"]
    (job,) = pull_request["jobs"].values()
    run = _runs(job)
    assert "make install" in run  # exactly the locked versions
    assert re.search(r"patternlib validate --since \S+ --format github", run)
    assert '>> "$GITHUB_STEP_SUMMARY"' in run
    assert "patternlib build" in run
    checkout = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["fetch-depth"] == 0  # --since needs the base branch
    # The base branch name reaches the shell through the environment, never spliced in.
    assert "${{" not in run


def test_main_is_built_and_published_on_pages(publish: dict[str, Any]) -> None:
    assert publish["on"]["push"]["branches"] == ["main"]
    build, deploy = publish["jobs"]["build"], publish["jobs"]["deploy"]
    assert "patternlib build" in _runs(build)
    upload = next(s for s in build["steps"]
                  if s.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert upload["with"]["path"] == "site"
    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert deploy["environment"]["name"] == "github-pages"
    assert any(s.get("uses", "").startswith("actions/deploy-pages@") for s in deploy["steps"])


def test_pre_commit_hook_for_other_libraries() -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert [h["id"] for h in hooks] == ["patternlib-validate", "patternlib-validate-removals"]
    hook = hooks[0]
    assert hook["entry"] == "patternlib validate --changed-only"
    assert hook["language"] == "python"
    assert re.fullmatch(hook["files"], "patterns/land-and-expand.md")
    assert not re.fullmatch(hook["files"], "README.md")


def test_this_repository_runs_its_own_hook() -> None:
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = {hook["id"]: hook for repo in config["repos"] for hook in repo["hooks"]}
    assert hooks["patternlib-validate"]["entry"].endswith("patternlib validate --changed-only")


def test_contributing_guide_and_pull_request_template_exist() -> None:
    guide = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    for topic in ("patternlib new", "Scoring rubric", "What CI checks", "patternlib serve"):
        assert topic in guide
    assert (ROOT / ".github" / "pull_request_template.md").is_file()


def test_home_page_links_the_guide_when_the_repository_is_known() -> None:
    from generator.library.link import link
    from generator.library.load import load_library
    from generator.library.score import score
    from generator.site.render import SiteConfig, render

    library = load_library([ROOT / "patterns"])
    config = SiteConfig("Lib", repo_url="https://example.org/lib/", edit_uri="edit/trunk/patterns/")
    (home,) = [o for o in render(library, score(library), link(library), config)
               if o.path == "index.md"]
    assert '<a href="https://example.org/lib/blob/trunk/CONTRIBUTING.md">' in home.text
    assert "/blob/trunk/.github/pull_request_template.md" in home.text
