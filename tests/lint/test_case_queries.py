"""The scoping lint finds direct queries of case models in interface modules."""

from tests.lint import case_queries


def test_the_code_base_passes_the_scoping_lint():
    assert case_queries.violations() == []


def test_the_lint_catches_a_view_that_queries_referrals(tmp_path, monkeypatch):
    app = tmp_path / "referrals"
    app.mkdir()
    (app / "views.py").write_text("rows = Referral.objects.filter(status='received')\n")
    monkeypatch.setattr(case_queries, "ROOT", tmp_path)
    assert case_queries.violations() == [
        "referrals/views.py:1: rows = Referral.objects.filter(status='received')"
    ]
