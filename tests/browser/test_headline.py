"""The home page headline keeps its phrases whole on a 390x844 phone (issue 24 part 5):
"您的投诉，有人听、有人跟" may break only at its punctuation, never inside "有人听"
(it broke as "有 / 人听")."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The top of each character's line box, measured by the browser's own layout.
LINES_OF = """(selector) => {
  const h1 = document.querySelector(selector);
  const text = h1.firstChild;
  const tops = [];
  for (let i = 0; i < text.length; i++) {
    const range = document.createRange();
    range.setStart(text, i);
    range.setEnd(text, i + 1);
    tops.push([text.data[i], Math.round(range.getBoundingClientRect().top)]);
  }
  return tops;
}"""


@pytest.mark.parametrize("width", [390, 320])
def test_the_headline_breaks_only_between_its_phrases(page, live_server, width):
    page.set_viewport_size({"width": width, "height": 844})
    page.goto(live_server.url + "/")
    tops = page.evaluate(LINES_OF, "main h1")
    text = "".join(char for char, _top in tops)
    assert text == "您的投诉，有人听、有人跟"
    line = dict(enumerate(top for _char, top in tops))
    for phrase in ("您的投诉", "有人听", "有人跟"):
        start = text.index(phrase)
        assert len({line[i] for i in range(start, start + len(phrase))}) == 1, (phrase, tops)
    # Nothing runs past the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= width
