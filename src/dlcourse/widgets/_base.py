"""The pattern every widget of the book follows.

A widget has three parts, each testable on its own:

``compute(**values) -> dict``
    A pure function of the control values: all the numbers the widget shows.
    It knows nothing of widgets, so tests and static figures call it directly.
``render(result, ax)``
    Draws one result on a Matplotlib ``Axes``. The widget uses it for its live
    picture, and the chapter's *static companion figure* calls it for a few
    settings side by side, so a reader of the HTML book (no kernel) sees the effect too.
``summary(result) -> str``
    Optional HTML (usually a small table) of the key numbers.

:class:`Explorer` wires them together: controls observed with ``observe`` (works in
JupyterLab, Notebook, Colab and Thebe, with ipywidgets 7 and 8), the picture shown
as a PNG ``<img>`` with alt text inside an ``ipywidgets.HTML`` (no ``display`` call, no
global pyplot state). Not an ``ipywidgets.Image``: its HTML view has no alt text, and
giving it a tooltip instead breaks its view in the ipywidgets 8 HTML manager (the
tooltip code reads a ``description`` an image does not have).
Builders such as :func:`dlcourse.widgets.softmax_explorer` return an
:class:`Explorer`; the notebook displays it by leaving it as the cell's last value.
"""
from __future__ import annotations

import base64
import html
import io
from typing import Any, Callable, Mapping, Sequence

__all__ = ["Explorer", "render_png", "companion_figure"]  # noqa: F822 - Explorer comes from __getattr__ (ipywidgets imported on first use)


class _Picture:
    """The last PNG an :class:`Explorer` rendered, as ``value`` (bytes)."""

    def __init__(self) -> None:
        self.value = b""


def render_png(
    render: Callable[[Mapping[str, Any], Any], None],
    result: Mapping[str, Any],
    figsize: tuple[float, float] = (5.0, 3.0),
    dpi: int = 96,
) -> bytes:
    """Draw ``result`` with ``render`` on a fresh off-screen figure and return PNG bytes."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, dpi=dpi)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    render(result, ax)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def companion_figure(
    compute: Callable[..., Mapping[str, Any]],
    render: Callable[[Mapping[str, Any], Any], None],
    settings: Sequence[Mapping[str, Any]],
    *,
    titles: Sequence[str] | None = None,
    panel_size: tuple[float, float] = (3.6, 2.8),
    suptitle: str | None = None,
) -> Any:
    """The static companion of a widget: the same view at several settings, side by side.

    Returns a ``matplotlib.figure.Figure`` created with ``pyplot`` so that the
    notebook's inline backend shows it like any other figure.
    """
    import matplotlib.pyplot as plt

    if not settings:
        raise ValueError("settings must list at least one dict of control values; got none.")
    if titles is not None and len(titles) != len(settings):
        raise ValueError(f"titles must have {len(settings)} entries, one per setting; got {len(titles)}.")
    fig, axes = plt.subplots(
        1, len(settings), figsize=(panel_size[0] * len(settings), panel_size[1]), squeeze=False
    )
    for i, (ax, values) in enumerate(zip(axes[0], settings)):
        render(compute(**values), ax)
        if titles is not None:
            ax.set_title(titles[i])
    if suptitle:
        fig.suptitle(suptitle)
    fig.tight_layout()
    return fig


class _Box:
    """Import ipywidgets lazily so that ``import dlcourse.widgets`` never needs it."""

    @staticmethod
    def widgets() -> Any:
        try:
            import ipywidgets
        except ImportError as exc:  # pragma: no cover - ipywidgets is a dependency
            raise ImportError("the widgets need ipywidgets: pip install 'ipywidgets>=7.6,<9'") from exc
        return ipywidgets


def _explorer_class() -> type:
    widgets = _Box.widgets()
    vbox: Any = widgets.VBox  # ipywidgets is imported at call time: a class mypy cannot see

    class Explorer(vbox):
        """A ``VBox`` of controls, a live picture and a summary, recomputed on every change.

        Attributes
        ----------
        controls:
            ``{name: widget}``; each widget's ``value`` is passed to ``compute`` as ``name=``.
        result:
            The dict returned by the last ``compute`` call (tests assert on it), or
            ``{"error": message}`` when that call (or ``render``/``summary``) raised.
        error:
            ``None``, or the message of the exception the last update caught; the picture
            then shows the message instead of a plot.
        image:
            Holds the last rendered PNG as ``image.value`` (bytes; empty without ``render``).
        picture:
            The ``ipywidgets.HTML`` that shows it: an ``<img>`` with alt text.
        html:
            An ``ipywidgets.HTML`` holding ``summary(result)`` (empty without ``summary``).
        """

        def __init__(
            self,
            controls: Mapping[str, Any],
            compute: Callable[..., Mapping[str, Any]],
            render: Callable[[Mapping[str, Any], Any], None] | None = None,
            summary: Callable[[Mapping[str, Any]], str] | None = None,
            *,
            title: str | None = None,
            figsize: tuple[float, float] = (5.0, 3.0),
        ) -> None:
            if not controls:
                raise ValueError("controls must hold at least one widget; got none.")
            for name, control in controls.items():
                if not hasattr(control, "observe") or not hasattr(control, "value"):
                    raise TypeError(
                        f"controls[{name!r}] must be an ipywidgets value widget (e.g. FloatSlider); "
                        f"got {type(control).__name__}."
                    )
            self.controls = dict(controls)
            self._compute = compute
            self._render = render
            self._summary = summary
            self._figsize = figsize
            self.result: Mapping[str, Any] = {}
            self.error: str | None = None
            self.image = _Picture()
            self.picture = widgets.HTML(layout=widgets.Layout(flex="0 1 auto", min_width="320px"))
            self.picture.add_class("dlc-explorer-picture")
            self._alt = html.escape(
                (f"Live plot of the explorer '{title}'" if title else "Live plot of this explorer")
                + " at the current slider settings; the static figure below shows the same plot at"
                " several settings and describes it in words.", quote=True)
            self.html = widgets.HTML(layout=widgets.Layout(flex="1 1 240px", min_width="0"))
            self.html.add_class("dlc-explorer-summary")
            children = []
            if title:
                children.append(widgets.HTML(f"<b>{title}</b>"))
            children.append(widgets.VBox(list(self.controls.values())))
            body = widgets.HBox([self.picture, self.html],
                                layout=widgets.Layout(flex_flow="row wrap", align_items="flex-start"))
            body.add_class("dlc-explorer-body")
            children.append(body)
            super().__init__(children)
            # a class the book's CSS styles; the (narrow) page scrolls a wide table, not the page
            self.add_class("dlc-explorer")
            for control in self.controls.values():
                control.observe(self.update, names="value")
            self.update()

        def _static_bundle(self, bundle: dict[str, Any]) -> dict[str, Any]:
            """``bundle`` plus the explorer's static HTML (see :mod:`dlcourse.widgets.static`)."""
            from .static import explorer_html

            return {**bundle, "text/html": explorer_html(self)}

        def _repr_mimebundle_(self, **kwargs: Any) -> Any:
            # The live widget view for a running kernel, and ``text/html`` for everything
            # else: the built book (which prefers it over the saved widget state) and an
            # untrusted notebook, which would otherwise print ``Explorer(children=...``.
            bundle = super()._repr_mimebundle_(**kwargs)
            if isinstance(bundle, tuple):
                return (self._static_bundle(bundle[0]), *bundle[1:])
            return self._static_bundle(bundle) if isinstance(bundle, dict) else bundle

        if hasattr(vbox, "_ipython_display_"):  # ipywidgets 7 displays itself

            def _ipython_display_(self, **kwargs: Any) -> None:
                from IPython.display import display

                plaintext = repr(self)
                data = {"text/plain": plaintext[:110] + ("…" if len(plaintext) > 110 else ""),
                        "application/vnd.jupyter.widget-view+json": {
                            "version_major": 2, "version_minor": 0, "model_id": self._model_id}}
                display(self._static_bundle(data), raw=True)
                self._handle_displayed(**kwargs)

        def _png(self, result: Mapping[str, Any]) -> bytes:
            """``result`` drawn as the live picture is (PNG bytes)."""
            return render_png(self._render, result, self._figsize) if self._render is not None else b""

        def values(self) -> dict[str, Any]:
            """The current value of every control, by name."""
            return {name: control.value for name, control in self.controls.items()}

        def update(self, change: Any = None) -> None:
            """Recompute and redraw; called by ``observe`` whenever a control changes."""
            # Never an exception out of the callback and never a stale picture: a setting
            # the computation rejects (a diverging run, an empty input) shows its message.
            try:
                result = self._compute(**self.values())
                png = self._png(result)
                table = self._summary(result) if self._summary is not None else ""
            except Exception as exc:  # noqa: BLE001 - any failure is shown to the reader
                self.error = str(exc) or type(exc).__name__
                self.result = {"error": self.error}
                self.image.value = b""
                self.picture.value = (
                    '<div class="dlc-explorer-message" role="status" style="padding:1em;max-width:30em">'
                    + html.escape(self.error) + "</div>")
                self.html.value = ""
                return
            self.error = None
            self.result = result
            if self._render is not None:
                self.image.value = png
                data = base64.b64encode(png).decode("ascii")
                self.picture.value = (f'<img src="data:image/png;base64,{data}" alt="{self._alt}"'
                                      ' style="max-width:100%;height:auto">')
            if self._summary is not None:
                self.html.value = table

    return Explorer


def __getattr__(name: str) -> Any:
    if name == "Explorer":
        cls = _explorer_class()
        globals()["Explorer"] = cls
        return cls
    raise AttributeError(name)
