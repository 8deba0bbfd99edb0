"""The admin forms' quick person picker writes exactly what WTForms' own select writes."""

from __future__ import annotations

import pytest
from wtforms.fields.choices import Choice
from wtforms.widgets import Select

from dispatcher.admin.forms import PersonSelect


@pytest.mark.parametrize(
    "choice",
    [
        Choice(3, "Ana Ruiz", True, None),
        Choice(0, "(no one)", False, None),
        Choice(7, '<b>"Cruz" & co</b>', False, None),
        Choice('x"y', "a&b", False, {}),
        Choice(5, "", False, None),  # no label: the value is shown
        Choice(9, "Kim", False, {"disabled": True}),  # extra attributes: WTForms writes it
    ],
)
def test_a_person_option_is_written_as_wtforms_writes_it(choice: Choice) -> None:
    assert PersonSelect.render_option(choice) == Select.render_option(choice)
