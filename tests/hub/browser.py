"""What each person does in JupyterLab, in headless Chromium (Playwright, Debian's browser): log in,
use nbgrader's Assignments tab, answer, Validate, submit, fetch feedback; the instructor grades a
written answer in the formgrader. Every action waits for the state it leads to, never for a time.

Selectors are JupyterLab 4 and nbgrader 0.9's (their DOM, not their internals). Two things the
formgrader needs, found the hard way: since JupyterHub 4.1 a single-user server forbids being framed
(`Content-Security-Policy: frame-ancestors 'none'`), so *Nbgrader -> Formgrader* inside JupyterLab
shows an error page and instructors open the formgrader in a tab of its own; and the grading page
draws its score boxes before it binds them, so a score typed before the page has loaded its
comments is never saved.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from playwright.sync_api import Browser, Page, expect

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
    "--disable-quic",
]
LONG = 240_000  # ms: a cold kernel or an nbgrader subprocess on two busy cores (expect() needs it each time)
CURRENT_TAB = "#jp-main-dock-panel .lm-TabBar-tab.lm-mod-current"


def screenshot(page: Page, folder: Path, name: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    try:
        page.screenshot(path=str(folder / f"{name}.png"))
    except Exception:
        pass


def login(browser: Browser, hub_url: str, user: str, password: str) -> Page:
    """/hub/login with the account's password (PAM); ends in the user's JupyterLab, file browser drawn."""
    context = browser.new_context(viewport={"width": 1400, "height": 950})
    context.set_default_timeout(LONG)
    page = context.new_page()
    page.goto(f"{hub_url}/hub/login")
    page.fill("#username_input", user)
    page.fill("#password_input", password)
    page.click("#login_submit")
    page.wait_for_url(re.compile(rf".*/user/{re.escape(user)}/lab.*"))
    page.locator(".jp-DirListing-content").wait_for()
    return page


def page_config(page: Page) -> dict:
    """What the server told this JupyterLab: plugins disabled and locked, the server's root."""
    config = page.evaluate("JSON.parse(document.getElementById('jupyter-config-data').textContent)")
    locked = config.get("lockedExtensions") or {}
    return {
        "disabled": sorted(config.get("disabledExtensions", [])),
        "locked": sorted(k for k, v in locked.items() if v) if isinstance(locked, dict) else sorted(locked),
        "root": config.get("serverRoot", ""),
    }


def nbgrader_menu(page: Page) -> list[str]:
    """The commands the Nbgrader menu offers. Items of disabled plugins stay in the menu as disabled,
    unlabelled entries (their commands are never registered): only enabled, labelled items count."""
    page.locator("#jp-menu-panel .lm-MenuBar-itemLabel", has_text="Nbgrader").click()
    page.locator("#jp-mainmenu-nbgrader").wait_for()
    items = page.locator("#jp-mainmenu-nbgrader li.lm-Menu-item").evaluate_all(
        """els => els.filter(e => !e.classList.contains('lm-mod-disabled') && !e.classList.contains('lm-mod-hidden')
                               && e.offsetParent !== null && e.innerText.trim())
                   .map(e => e.getAttribute('data-command'))"""
    )
    page.keyboard.press("Escape")
    return items


def right_sidebar(page: Page) -> str:
    """Titles of the right sidebar's tabs (the instructor's *Create Assignment* lives there)."""
    return " | ".join(
        page.locator(".jp-SideBar.jp-mod-right .lm-TabBar-tab").evaluate_all(
            "els => els.map(e => (e.getAttribute('title') || '') + ' ' + e.innerText)"
        )
    )


def file_browser_items(page: Page) -> list[str]:
    return page.locator(".jp-DirListing-itemText").all_inner_texts()


def open_assignments(page: Page) -> None:
    """Nbgrader -> Assignment List: the *Assignments* tab."""
    page.locator("#jp-menu-panel .lm-MenuBar-itemLabel", has_text="Nbgrader").click()
    page.locator('#jp-mainmenu-nbgrader li[data-command="nbgrader:open-assignment-list"]').click()
    expect(page.locator(f"{CURRENT_TAB} .lm-TabBar-tabLabel")).to_have_text("Assignments", timeout=LONG)
    page.locator("#released_assignments_list").wait_for()


def current(page: Page):
    """The main area's current widget (tabs left open keep their widgets in the DOM)."""
    widget_id = page.locator(CURRENT_TAB).first.get_attribute("data-id")
    return page.locator(f"[id='{widget_id}']")


def show_tab(page: Page, label: str) -> None:
    page.locator("#jp-main-dock-panel .lm-TabBar-tab .lm-TabBar-tabLabel", has_text=label).first.click()
    expect(page.locator(f"{CURRENT_TAB} .lm-TabBar-tabLabel")).to_have_text(label, timeout=LONG)


def refresh_assignments(page: Page) -> None:
    show_tab(page, "Assignments")
    page.locator("#refresh_assignments_list").click()
    for name in ("released", "fetched", "submitted"):
        expect(page.locator(f"#{name}_assignments_list_loading")).not_to_be_visible(timeout=LONG)


def _row(page: Page, listing: str, assignment: str):
    return page.locator(
        f"#{listing}_assignments_list > .list_item", has=page.locator(".item_name", has_text=assignment)
    )


def released(page: Page, assignment: str):
    refresh_assignments(page)
    return _row(page, "released", assignment)


def fetch_assignment(page: Page, assignment: str) -> None:
    row = released(page, assignment)
    expect(row).to_have_count(1, timeout=LONG)
    row.locator(".item_status button", has_text="Fetch").click()
    expect(_row(page, "fetched", assignment)).to_have_count(1, timeout=LONG)


def open_fetched_notebook(page: Page, assignment: str, notebook: str) -> None:
    """Expand the fetched assignment and click its notebook: it opens in a tab, with its kernel."""
    show_tab(page, "Assignments")
    page.locator("#fetched_assignments_list a", has_text=re.compile(rf"^{re.escape(assignment)}$")).first.click()
    # nbgrader's exchange lists the notebook by its name; ngshare_exchange 0.5.x by its absolute path
    page.locator(
        "#fetched_assignments_list .collapse.in .list_item .item_name a",
        has_text=re.compile(rf"(^|/){re.escape(notebook)}(\.ipynb)?$"),
    ).first.click()
    expect(page.locator(f"{CURRENT_TAB} .lm-TabBar-tabLabel")).to_have_text(f"{notebook}.ipynb", timeout=LONG)
    current(page).locator(".jp-Notebook .jp-Cell").first.wait_for()
    # the kernel starts with the notebook: typing waits until it is idle, so nothing races its start
    expect(page.locator(".jp-StatusBar-TextItem", has_text="| Idle").first).to_be_visible(timeout=LONG)


def write_answers(page: Page, answers: dict[int, str]) -> None:
    """Replace the source of cell i with answers[i], typed into its editor; then save."""
    cells = current(page).locator(".jp-Notebook .jp-Cell")
    for index, text in sorted(answers.items()):
        cell = cells.nth(index)
        cell.scroll_into_view_if_needed()
        if "jp-MarkdownCell" in (cell.get_attribute("class") or ""):
            cell.dblclick()  # a rendered markdown cell opens its editor on a double click
        cell.locator(".cm-content").click()
        page.keyboard.press("Control+a")
        page.keyboard.insert_text(text)  # one input event: no auto-indent, no closing brackets added
        page.keyboard.press("Escape")
    page.keyboard.press("Control+s")
    expect(page.locator(f"{CURRENT_TAB}.jp-mod-dirty")).to_have_count(0, timeout=LONG)


def validate(page: Page) -> str:
    """The notebook toolbar's Validate button; returns the dialog's text and closes it."""
    current(page).locator(".validate-button").click()
    dialog = page.locator(".jp-Dialog")
    dialog.wait_for()
    text = dialog.inner_text()
    dialog.locator("button.jp-mod-accept").first.click()
    expect(dialog).to_have_count(0, timeout=LONG)
    return text


def submit(page: Page, assignment: str) -> None:
    show_tab(page, "Assignments")
    _row(page, "fetched", assignment).locator(".item_status button", has_text="Submit").click()
    expect(_row(page, "submitted", assignment)).to_have_count(1, timeout=LONG)


def fetch_feedback(page: Page, assignment: str) -> str:
    """Submitted list -> Fetch Feedback -> (view feedback) -> the HTML page; returns its text."""
    refresh_assignments(page)
    row = _row(page, "submitted", assignment)
    row.locator("button", has_text="Fetch Feedback").click()
    view = row.locator("a", has_text="(view feedback)")  # this assignment's row only
    expect(view.first).to_be_visible(timeout=LONG)
    view.first.click()
    item = page.locator(
        ".jp-DirListing-item", has=page.locator(".jp-DirListing-itemText", has_text=f"{assignment}.html")
    )
    expect(item.first).to_be_visible(timeout=LONG)
    item.first.dblclick()
    expect(page.locator(f"{CURRENT_TAB} .lm-TabBar-tabLabel")).to_have_text(f"{assignment}.html", timeout=LONG)
    body = current(page).frame_locator("iframe").locator("body")
    expect(body).to_contain_text("Score", timeout=LONG)
    return body.inner_text()


def formgrader_in_lab(page: Page) -> tuple[str, str]:
    """*Nbgrader -> Formgrader*: the formgrader in an iframe tab. Returns what the frame shows once it
    has loaded ("blocked": Chromium's error page, the server forbids framing; or "drawn: URL") and the
    Content-Security-Policy the formgrader's page was served with."""
    page.locator("#jp-menu-panel .lm-MenuBar-itemLabel", has_text="Nbgrader").click()
    with page.expect_response(lambda r: "/formgrader" in r.url and r.request.resource_type == "document") as answer:
        page.locator('#jp-mainmenu-nbgrader li[data-command="nbgrader:open-formgrader"]').click()
    policy = answer.value.headers.get("content-security-policy", "")
    iframe = page.locator("#jp-main-dock-panel iframe").last
    iframe.wait_for()
    handle = iframe.element_handle()
    # the frame starts as about:blank; it ends on the formgrader (same origin, loaded) or on
    # Chromium's error page, whose location the lab may not read (a cross-origin frame)
    page.wait_for_function(
        """f => { try {
                      const href = f.contentWindow.location.href;
                      return href.startsWith('chrome-error')
                          || (href.includes('/formgrader') && f.contentWindow.document.readyState === 'complete');
                  } catch (e) { return true; } }""",
        arg=handle,
    )
    frame = handle.content_frame()
    state = "blocked" if frame is None or frame.url.startswith("chrome-error") else f"drawn: {frame.url}"
    return state, policy


def grade_written_answer(page: Page, base: str, assignment: str, notebook: str, grade_id: str,
                         scores: dict[str, float]) -> dict[str, float]:  # fmt: skip
    """In the formgrader, in its own tab (`base` = .../user/<instructor>/formgrader): open each student's
    submission from the manual-grading list and type the written answer's score; returns what was saved."""
    page.goto(f"{base}/gradebook/{assignment}/{notebook}")
    page.locator("td.name").first.wait_for()
    # the list hides names ("Submission #n"); the formgrader's own API says which submission is whose
    listing = page.request.get(f"{base}/api/submitted_notebooks/{assignment}/{notebook}").json()
    by_student = {entry["student"]: entry["id"] for entry in listing}
    saved = {}
    for student, score in scores.items():
        page.goto(f"{base}/gradebook/{assignment}/{notebook}")
        with page.expect_response(lambda r: "/formgrader/api/comments?submission_id=" in r.url):
            page.locator(f"td.name a[href*='{by_student[student]}']").first.click()
        page.wait_for_load_state("networkidle")  # the score boxes are bound once everything has loaded
        box = page.locator(f"input.score#{grade_id}")
        box.wait_for()
        with page.expect_response(lambda r: "/formgrader/api/grade/" in r.url and r.request.method == "PUT") as put:
            box.fill(str(score))
            box.press("Tab")  # change + blur: the formgrader saves the score
        saved[student] = json.loads(put.value.text()).get("manual_score")
    return saved
