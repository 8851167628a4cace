from django import template
from django.utils.safestring import mark_safe

from complaints import extensions

register = template.Library()


@register.simple_tag(takes_context=True)
def parts(context, slot):
    """Render the parts registered for `slot` (complaints.extensions) as `{% include %}`
    would: each sees the page's context, plus what its context function adds."""
    html = []
    for part in extensions.parts(slot):
        extra = part.context(context) if part.context else {}
        if extra is None:
            continue
        included = context.template.engine.get_template(part.template)
        with context.push(**extra):
            html.append(included.render(context))
    return mark_safe("".join(html))
