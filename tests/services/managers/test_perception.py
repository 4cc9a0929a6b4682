"""Relationship-survey imports (Qualtrics, SurveyMonkey, plain CSV) and the per-CSM scores."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from desktop_app.domain.perception import Category
from desktop_app.services.errors import UserError
from desktop_app.services.managers.perception import import_survey, perception_report
from desktop_app.store.schema import ImportBatch
from desktop_app.store.schema_managers import SurveyAnswer
from tests.services.managers.fixtures import small_book

QUALTRICS = (
    "StartDate,EndDate,ResponseId,RecipientEmail,Account,Q1,Q2,Q3,Q4\n"
    "Start Date,End Date,Response ID,Recipient Email,Account,"
    '"How would you rate our communication?","How important is communication to you?",'
    '"How satisfied are you with our support service?","How likely are you to recommend us?"\n'
    '"{""ImportId"":""startDate""}","{""ImportId"":""endDate""}","{""ImportId"":""_recordId""}",'
    '"{""ImportId"":""recipientEmail""}","{""ImportId"":""QID9""}","{""ImportId"":""QID1""}",'
    '"{""ImportId"":""QID2""}","{""ImportId"":""QID3""}","{""ImportId"":""QID4""}"\n'
    "2026-10-01,2026-10-01,R_1,a@x.com,A1 Won,5,5,4,9\n"
    "2026-10-02,2026-10-02,R_2,b@x.com,A2 Commit,4,5,3,8\n"
    "2026-10-03,2026-10-03,R_3,c@x.com,a3 likely,5,4,5,10\n"
    "2026-10-04,2026-10-04,R_4,d@x.com,B1 Called lost,1,5,2,3\n"
    "2026-10-05,2026-10-05,R_5,e@x.com,B2 No opp,2,5,1,2\n"
    "2026-10-06,2026-10-06,R_6,f@x.com,B3 Next year,1,4,2,4\n"
    "2026-10-07,2026-10-07,R_7,g@x.com,Not a customer,5,5,5,10\n"
)


@pytest.fixture
def book(store):
    small_book(store)
    return store


def test_qualtrics_import_and_scores(book, tmp_path):
    path = tmp_path / "qualtrics.csv"
    path.write_text(QUALTRICS, encoding="utf-8")
    result = import_survey(book, path)
    assert result.questions == {
        "Q1": "communication",
        "Q2": "communication importance",
        "Q3": "service",
        "Q4": "likelihood to recommend",
    }
    assert (result.responses, result.unmatched, result.ratings) == (6, 1, 24)
    rep = perception_report(book)
    ann = rep.for_csm("ann avery")
    assert ann.responses == 3
    comm = next(c for c in ann.categories if c.category is Category.COMMUNICATION)
    # 1-5 scale -> 0-10: Ann's 5, 4, 5 -> 10, 7.5, 10; Bob's 1, 2, 1 -> 0, 2.5, 0.
    assert comm.performance.mean == pytest.approx(27.5 / 3)
    assert comm.performance.n == 3
    assert comm.performance.team_mean == pytest.approx(30 / 6)
    assert comm.importance == pytest.approx(27.5 / 3)  # 5, 5, 4 -> 10, 10, 7.5
    assert comm.importance_n == 3
    assert comm.gap == pytest.approx(0.0)
    assert comm.performance.mark == "above"
    bob = rep.for_csm("Bob Brand")
    assert (
        next(c for c in bob.categories if c.category is Category.COMMUNICATION).performance.mark
        == "below"
    )
    product = next(c for c in ann.categories if c.category is Category.PRODUCT)
    assert (product.performance.n, product.performance.mark) == (0, None)
    assert len(rep.accounts) == 6
    # Importing the same responses again replaces them.
    import_survey(book, path)
    with book.sessions() as s:
        assert s.scalar(select(func.count()).select_from(SurveyAnswer)) == 24


def test_surveymonkey_and_plain_csv(book, tmp_path):
    monkey = tmp_path / "monkey.csv"
    monkey.write_text(
        "Respondent ID,Collector ID,Start Date,End Date,Company,"
        "How would you rate the communication from your account manager?,"
        "How important is product quality to you?\n"
        ",,,,,Response,Response\n"
        "101,9,10/01/2026,10/01/2026,A1 Won,9,10\n"
        "102,9,10/02/2026,10/02/2026,B2 No opp,3,8\n",
        encoding="utf-8",
    )
    r = import_survey(book, monkey)
    assert set(r.questions.values()) == {"communication", "product importance"}
    assert r.responses == 2
    plain = tmp_path / "plain.csv"
    plain.write_text(
        "Account,Communication,Consultation,Notes\nA2 Commit,7,6,ok\n", encoding="utf-8"
    )
    r = import_survey(book, plain, mapping={"Notes": ""})
    assert r.questions == {"Communication": "communication", "Consultation": "consultation"}


def test_bad_surveys_are_refused_whole(book, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("Account,Communication\nA1 Won,7\nA2 Commit,great\n", encoding="utf-8")
    with pytest.raises(UserError, match=r"^bad\.csv, row 3, column 'Communication': not a rating"):
        import_survey(book, bad)
    none = tmp_path / "none.csv"
    none.write_text("Account,Job title\nA1 Won,CFO\n", encoding="utf-8")
    with pytest.raises(UserError, match="no rated question"):
        import_survey(book, none)
    noacc = tmp_path / "noacc.csv"
    noacc.write_text("Name,Communication\nx,7\n", encoding="utf-8")
    with pytest.raises(UserError, match="needs an Account"):
        import_survey(book, noacc)
    with book.sessions() as s:
        assert s.scalar(select(func.count()).select_from(SurveyAnswer)) == 0
        assert s.scalar(select(func.count()).select_from(ImportBatch)) == 0
