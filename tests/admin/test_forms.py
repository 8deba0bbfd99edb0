"""The admin forms' quick person picker and checkbox list write exactly what WTForms' own
select and list write."""

from __future__ import annotations

import pytest
from wtforms import Form
from wtforms.fields.choices import Choice, SelectChoice
from wtforms.validators import InputRequired
from wtforms.widgets import ListWidget, Select

from dispatcher.admin.forms import MultiCheckboxField, PersonSelect, options


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


class Picks(Form):  # type: ignore[misc]
    """Checkbox lists as the admin forms declare them."""

    people = MultiCheckboxField("People", coerce=int)
    marked = MultiCheckboxField("Marked", coerce=int)
    kinds = MultiCheckboxField("Kinds", coerce=int, validators=[InputRequired()])
    styled = MultiCheckboxField("Styled", coerce=int, render_kw={"data-x": "1"})


PEOPLE = [
    (3, "Ana Ruiz"),
    (0, "(no one)"),
    (7, '<b>"Cruz" & co</b>'),
    (5, ""),  # no label: the value is shown
    (9, "Kim"),
]


@pytest.mark.parametrize("chosen", [[], [3], [7, 5, 9]])
@pytest.mark.parametrize("name", ["people", "marked", "kinds", "styled"])
def test_a_checkbox_list_is_written_as_wtforms_writes_it(name: str, chosen: list[int]) -> None:
    form = Picks(prefix="p", data={name: chosen})
    field = form[name]
    field.choices = options(PEOPLE)
    if name == "marked":  # a choice with extra attributes
        field.choices.append(SelectChoice(value=4, label="Lee", render_kw={"disabled": True}))
    ours = field(class_="checks")
    field.widget = ListWidget(prefix_label=False)  # WTForms' own writer, the same way in
    theirs = field(class_="checks")
    assert ours == theirs
    assert str(ours).count('type="checkbox"') == len(field.choices)
    assert str(ours).count("<input checked ") == len(chosen)


def test_a_plain_checkbox_list_takes_the_quick_writer() -> None:
    form = Picks(data={"people": [7]})
    form.people.choices = options(PEOPLE)
    written = str(form.people(class_="checks"))
    form.people.widget = ListWidget(prefix_label=False)
    assert written == str(form.people(class_="checks"))
    assert written.startswith('<ul class="checks" id="people"><li><input id="people-0"')
    assert '<input checked id="people-2" name="people" type="checkbox" value="7">' in written
    assert '<label for="people-2">&lt;b&gt;&#34;Cruz&#34; &amp; co&lt;/b&gt;</label>' in written
    assert '<label for="people-3">5</label>' in written
