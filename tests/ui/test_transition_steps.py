"""The transition wizard: no preselected receiver, no do-nothing transition, steps, wording."""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QWizard
from sqlalchemy import select

from desktop_app.store.engine import Store
from desktop_app.store.schema import Account, Csm
from desktop_app.ui.dialogs.transition_wizard import PAGE_RECEIVERS, TransitionWizard
from tests.transition_helpers import RECEIVER, movable_accounts, settle


def _owned_by(store: Store, owner: str, n: int) -> list[int]:
    with store.sessions() as s:
        oid = s.scalar(select(Csm.id).where(Csm.full_name == owner))
        return list(s.scalars(select(Account.id).where(Account.owner_id == oid).limit(n)))


def _next_enabled(wizard: TransitionWizard) -> bool:
    return wizard.button(QWizard.WizardButton.NextButton).isEnabled()


def test_receiver_is_not_preselected_and_next_waits_for_one(
    qtbot, demo_store: Store, today: date
) -> None:
    wizard = TransitionWizard(demo_store, movable_accounts(demo_store, 2), today=today)
    qtbot.addWidget(wizard)
    wizard.show()
    settle(qtbot, wizard)
    wizard.next()
    assert wizard.currentId() == PAGE_RECEIVERS
    page = wizard.receivers_page
    assert page.receiver_combo.currentIndex() == -1
    assert page.assignments() == {}
    assert not _next_enabled(wizard)
    page.receiver_combo.setCurrentText(RECEIVER)
    assert _next_enabled(wizard)


def test_a_do_nothing_transition_cannot_be_saved(qtbot, demo_store: Store, today: date) -> None:
    ids = _owned_by(demo_store, RECEIVER, 2)
    wizard = TransitionWizard(demo_store, ids, today=today)
    qtbot.addWidget(wizard)
    wizard.show()
    settle(qtbot, wizard)
    wizard.next()
    page = wizard.receivers_page
    page.receiver_combo.setCurrentText(RECEIVER)  # the accounts' own CSM
    assert not page.isComplete()
    assert not _next_enabled(wizard)
    assert "Nothing would change" in page.warnings_text.toPlainText()  # at once
    settle(qtbot, wizard)
    assert "Nothing would change" in page.warnings_text.toPlainText()  # and with the workload
    wizard.next()
    assert wizard.currentId() == PAGE_RECEIVERS
    assert wizard.transition_id is None
    other = next(
        page.receiver_combo.itemText(i)
        for i in range(page.receiver_combo.count())
        if page.receiver_combo.itemText(i) != RECEIVER
    )
    page.receiver_combo.setCurrentText(other)
    assert _next_enabled(wizard)


def test_a_partly_moving_transition_says_who_stays(qtbot, demo_store: Store, today: date) -> None:
    ids = _owned_by(demo_store, RECEIVER, 1) + movable_accounts(demo_store, 2)
    wizard = TransitionWizard(demo_store, ids, today=today)
    qtbot.addWidget(wizard)
    wizard.show()
    settle(qtbot, wizard)
    wizard.next()
    wizard.receivers_page.receiver_combo.setCurrentText(RECEIVER)
    assert _next_enabled(wizard)
    settle(qtbot, wizard)
    assert "1 of 3 accounts already belong" in wizard.receivers_page.warnings_text.toPlainText()


def test_step_indicator_and_unambiguous_last_buttons(qtbot, demo_store: Store, today: date) -> None:
    wizard = TransitionWizard(demo_store, movable_accounts(demo_store, 1), today=today)
    qtbot.addWidget(wizard)
    wizard.show()
    settle(qtbot, wizard)
    assert wizard.currentPage().subTitle().startswith("Step 1 of 4")
    assert "<b>Accounts</b>" in wizard.currentPage().subTitle()
    wizard.next()
    assert wizard.currentPage().subTitle().startswith("Step 2 of 4")
    assert "<b>Receiving CSM</b>" in wizard.currentPage().subTitle()
    assert wizard.buttonText(QWizard.WizardButton.FinishButton) == "Close"
    finish = wizard.finish_page
    assert finish.subTitle().startswith("Step 4 of 4")
    assert "Finish" not in finish.done_button.text()
    assert "Mark done" not in finish.done_button.text()
    assert finish.done_button.text().startswith("Hand over")
    assert "Close" in finish.help_label.text()
