/* factcheck: small progressive enhancements. Every action also works without this file. */
(function () {
  "use strict";

  const $ = (selector, root) => (root || document).querySelector(selector);
  const $$ = (selector, root) => Array.from((root || document).querySelectorAll(selector));

  /* --- Side panel tabs (WAI-ARIA tabs: arrows move, Enter/Space or click selects) --- */
  function setUpTabs() {
    const tablist = $(".side-tabs");
    if (!tablist) return;
    const tabs = $$('[role="tab"]', tablist);
    function select(tab, focus) {
      tabs.forEach((other) => {
        const selected = other === tab;
        other.setAttribute("aria-selected", String(selected));
        other.tabIndex = selected ? 0 : -1;
        document.getElementById(other.getAttribute("aria-controls")).hidden = !selected;
      });
      if (focus) tab.focus();
    }
    tabs.forEach((tab, index) => {
      tab.addEventListener("click", () => select(tab, false));
      tab.addEventListener("keydown", (event) => {
        const step = { ArrowRight: 1, ArrowLeft: -1 }[event.key];
        if (!step) return;
        event.preventDefault();
        select(tabs[(index + step + tabs.length) % tabs.length], true);
      });
    });
    const hash = location.hash;
    if (hash.startsWith("#source-")) select($("#tab-sources"), false);
    document.addEventListener("click", (event) => {
      const link = event.target.closest('a[href^="#source-"]');
      if (link) select($("#tab-sources"), false);
    });
  }

  /* --- Turning a selection in the article into offsets of article.text --- */
  // The text inside #article-text is exactly the article's text: paragraphs and the
  // hidden gaps between them carry data-offset; numbered markers carry data-nontext.
  function textOf(fragment) {
    $$("[data-nontext]", fragment).forEach((node) => node.remove());
    return fragment.textContent;
  }

  function offsetOf(root, container, offset) {
    if (container === root) {
      const child = root.childNodes[offset];
      return child && child.dataset ? Number(child.dataset.offset) : Number(root.dataset.length);
    }
    const element = container.nodeType === Node.ELEMENT_NODE ? container : container.parentElement;
    const block = element && element.closest("[data-offset]");
    if (!block || !root.contains(block)) return null;
    const range = document.createRange();
    range.setStart(block, 0);
    range.setEnd(container, offset);
    return Number(block.dataset.offset) + textOf(range.cloneContents()).length;
  }

  function selectionInArticle(root) {
    const selection = window.getSelection();
    if (!selection || selection.isCollapsed || selection.rangeCount === 0) return null;
    const range = selection.getRangeAt(0);
    if (!root.contains(range.startContainer) || !root.contains(range.endContainer)) return null;
    let start = offsetOf(root, range.startContainer, range.startOffset);
    let end = offsetOf(root, range.endContainer, range.endOffset);
    if (start === null || end === null) return null;
    let quote = textOf(range.cloneContents());
    const leading = quote.length - quote.trimStart().length;
    const trailing = quote.length - quote.trimEnd().length;
    quote = quote.trim();
    start += leading;
    end -= trailing;
    if (!quote || end <= start) return null;
    return { start, end, quote, rect: range.getBoundingClientRect() };
  }

  /* --- The reader: select to mark a claim, click a highlight to see its claims --- */
  function setUpReader() {
    const root = $("#article-text");
    const dialog = $("#claim-dialog");
    if (!root || !dialog) return;
    const action = $("#selection-action");
    const popover = $("#claim-popover");
    let pending = null;

    function hideAction() { action.hidden = true; }

    function showAction(found) {
      pending = found;
      action.hidden = false;
      const top = window.scrollY + found.rect.top - action.offsetHeight - 8;
      const left = window.scrollX + found.rect.left + found.rect.width / 2 - action.offsetWidth / 2;
      action.style.top = `${Math.max(top, window.scrollY + 4)}px`;
      action.style.left = `${Math.max(8, Math.min(left, document.documentElement.clientWidth - action.offsetWidth - 8))}px`;
    }

    function form() { return $("#claim-form", dialog); }

    function openDialog(found) {
      const current = form();
      current.reset();
      $$(".errors, .alert", current).forEach((node) => node.remove());
      current.elements.start.value = found ? found.start : "";
      current.elements.end.value = found ? found.end : "";
      current.elements.quote.value = found ? found.quote : "";
      if (found) {
        $$("#panel-sources .source").forEach((source) => {
          const start = Number(source.dataset.spanStart);
          const end = Number(source.dataset.spanEnd);
          const box = current.querySelector(`input[name="sources"][value="${source.id.slice(7)}"]`);
          if (box) box.checked = start < found.end && end > found.start;
        });
      }
      dialog.showModal();
      const focusTarget = found ? current.querySelector('input[name="kind"]:checked') : current.elements.quote;
      if (focusTarget) focusTarget.focus();
    }

    root.addEventListener("mouseup", () => {
      window.setTimeout(() => {
        const found = selectionInArticle(root);
        if (found) showAction(found); else hideAction();
      }, 0);
    });
    root.addEventListener("keyup", (event) => {
      if (!event.shiftKey) return;
      const found = selectionInArticle(root);
      if (found) showAction(found);
    });
    // Touch screens (and caret browsing) select without a mouseup: follow the selection.
    let settle = 0;
    document.addEventListener("selectionchange", () => {
      const selection = window.getSelection();
      if (selection && selection.isCollapsed && !action.contains(document.activeElement)) hideAction();
      window.clearTimeout(settle);
      settle = window.setTimeout(() => {
        const found = selectionInArticle(root);
        if (found) showAction(found);
      }, 400);
    });
    // Re-selecting a claim's passage (?move=<claim>): the selection moves that claim.
    const moveForm = $("#move-form");
    if (moveForm) action.querySelector("button").textContent = "Move the claim here";
    action.querySelector("button").addEventListener("click", () => {
      hideAction();
      if (moveForm && pending) {
        moveForm.elements.start.value = pending.start;
        moveForm.elements.end.value = pending.end;
        moveForm.elements.quote.value = pending.quote;
        moveForm.submit();
        return;
      }
      openDialog(pending);
    });
    $$("[data-open-claim-dialog]").forEach((link) => {
      link.addEventListener("click", (event) => {
        event.preventDefault();
        openDialog(selectionInArticle(root));
      });
    });

    // Editing the passage by hand: the server finds it from the words alone.
    dialog.addEventListener("input", (event) => {
      if (event.target.name === "quote") {
        const current = form();
        current.elements.start.value = "";
        current.elements.end.value = "";
      }
    });
    dialog.addEventListener("click", (event) => {
      if (event.target.closest("[data-close-dialog]")) dialog.close();
      else if (event.target === dialog) dialog.close(); // a click on the backdrop
    });
    document.body.addEventListener("htmx:afterSwap", (event) => {
      if (dialog.contains(event.detail.elt)) {
        const invalid = dialog.querySelector('.alert[tabindex], [aria-invalid="true"]');
        if (invalid) invalid.focus();
      }
    });

    // Clicking a highlight lists the claims that cover that place.
    function closePopover() {
      popover.hidden = true;
      $$("mark.is-active", root).forEach((mark) => mark.classList.remove("is-active"));
    }
    root.addEventListener("click", (event) => {
      const mark = event.target.closest("mark.hl");
      const selection = window.getSelection();
      if (!mark || (selection && !selection.isCollapsed)) return;
      closePopover();
      const ids = mark.dataset.claims.split(" ");
      const list = document.createElement("ol");
      list.className = "claim-list";
      ids.forEach((id) => {
        const item = document.getElementById(`claim-item-${id}`);
        if (item) list.appendChild(item.cloneNode(true)).removeAttribute("id");
        $$(`mark[data-claims~="${id}"]`, root).forEach((other) => other.classList.add("is-active"));
      });
      popover.replaceChildren();
      const title = document.createElement("p");
      title.className = "claim-popover__title";
      title.textContent = ids.length > 1 ? `${ids.length} claims here` : "Claim";
      popover.append(title, list);
      popover.hidden = false;
      const top = window.scrollY + event.clientY + 14;
      const left = Math.min(window.scrollX + event.clientX - 20, document.documentElement.clientWidth - popover.offsetWidth - 8);
      popover.style.top = `${top}px`;
      popover.style.left = `${Math.max(8, left)}px`;
      const first = popover.querySelector("a");
      if (first) first.focus({ preventScroll: true });
    });
    document.addEventListener("keydown", (event) => {
      if (event.key === "Escape") { closePopover(); hideAction(); }
    });
    document.addEventListener("click", (event) => {
      if (!popover.hidden && !popover.contains(event.target) && !event.target.closest("mark.hl")) closePopover();
    });

    // Pointing at a claim in the panel shows where it stands.
    function marksOf(id) { return $$(`mark[data-claims~="${id}"]`, root); }
    // (Listened to on the panel: its list is swapped in again when others add claims.)
    const panel = $("#panel-claims");
    function pointed(event, active) {
      const item = event.target.closest(".claim-item");
      if (!item || (event.relatedTarget && item.contains(event.relatedTarget))) return;
      marksOf(item.dataset.claim).forEach((mark) => mark.classList.toggle("is-active", active));
    }
    if (panel) {
      panel.addEventListener("mouseover", (event) => pointed(event, true));
      panel.addEventListener("mouseout", (event) => pointed(event, false));
    }
    document.addEventListener("click", (event) => {
      const jump = event.target.closest("[data-jump]");
      if (!jump) return;
      event.preventDefault();
      closePopover();
      flash(jump.dataset.jump);
      history.replaceState(null, "", `#hl-${jump.dataset.jump}`);
    });

    function flash(id) {
      const marks = marksOf(id);
      if (!marks.length) return;
      marks[0].scrollIntoView({ block: "center", behavior: "smooth" });
      marks.forEach((mark) => {
        mark.classList.remove("flash");
        void mark.offsetWidth; // restart the animation
        mark.classList.add("flash");
      });
      const item = document.getElementById(`claim-item-${id}`);
      if (item) item.classList.add("is-active");
      window.setTimeout(() => {
        marks.forEach((mark) => mark.classList.remove("flash"));
        if (item) item.classList.remove("is-active");
      }, 3300);
    }
    if (location.hash.startsWith("#hl-")) flash(location.hash.slice(4));
  }

  /* --- A form that failed: its error summary takes the focus (and so the eye) --- */
  function focusErrors(root) {
    const target = $("[data-error-summary]", root) || $('[aria-invalid="true"]', root);
    if (!target) return false;
    const details = target.closest("details");
    if (details) details.open = true;
    target.focus();
    return true;
  }

  function setUpErrorFocus() {
    focusErrors(document);
    // Scrolling to the address's #fragment after the page is parsed may take the focus
    // back to the page itself: give it to the summary again.
    window.addEventListener("load", () => {
      if (document.activeElement === document.body) focusErrors(document);
    });
    document.body.addEventListener("htmx:afterSwap", (event) => {
      // Only the answer to a form sent: a poll's swap must never move the focus.
      const config = event.detail.requestConfig;
      if (!config || config.verb === "get") return;
      const swapped = event.detail.target;
      // An outerHTML swap leaves the old element detached: look in the whole page then.
      focusErrors(swapped && swapped.isConnected ? swapped : document);
    });
  }

  /* --- Pages that update themselves (web/views/live.py) ---
     Every few seconds, while the tab is shown, the page asks whether anything on it changed:
     a 304 while nothing did. When something did, it fetches its own address again and
     swaps in each part ([data-live-region]) whose HTML changed. A form the reader has typed
     into, has the focus in, or that shows errors is kept as it is, with what was typed. */
  const CSRF_INPUT = 'input[name="csrfmiddlewaretoken"]';

  function serverHtml(element) {
    // The CSRF token is masked afresh on every render: it is not a change.
    const copy = element.cloneNode(true);
    $$(CSRF_INPUT, copy).forEach((input) => input.setAttribute("value", ""));
    return copy.innerHTML;
  }

  function keyed(root, selector, keyOf) {
    const seen = new Map();
    const found = new Map();
    $$(selector, root).forEach((element) => {
      const base = keyOf(element);
      const count = seen.get(base) || 0;
      seen.set(base, count + 1);
      found.set(`${base}#${count}`, element);
    });
    return found;
  }

  const formKey = (form) => form.id || form.getAttribute("action") || "";
  const detailsKey = (details) => details.id || ($("summary", details) || details).textContent.trim();

  function isBusy(form) {
    return form.dataset.dirty === "true" || form.contains(document.activeElement)
      || Boolean(form.querySelector('[aria-invalid="true"], [data-error-summary]'));
  }

  function swapRegion(region, fresh) {
    const kept = new Map();
    keyed(region, "form", formKey).forEach((form, key) => { if (isBusy(form)) kept.set(key, form); });
    const incoming = document.createElement(region.tagName);
    incoming.append(...Array.from(fresh.childNodes, (node) => document.importNode(node, true)));
    const places = keyed(incoming, "form", formKey);
    for (const key of kept.keys()) {
      if (!places.has(key)) return false; // the form would go: leave the part as it is for now
    }
    const open = keyed(region, "details", detailsKey);
    keyed(incoming, "details", detailsKey).forEach((details, key) => {
      if (open.has(key)) details.open = open.get(key).open;
    });
    const focused = document.activeElement;
    const caret = focused && "selectionStart" in focused
      ? [focused.selectionStart, focused.selectionEnd] : null;
    kept.forEach((form, key) => places.get(key).replaceWith(form));
    region.replaceChildren(...incoming.childNodes);
    if (focused && focused !== document.activeElement && region.contains(focused)) {
      focused.focus({ preventScroll: true });
      if (caret) { try { focused.setSelectionRange(caret[0], caret[1]); } catch (error) { /* not a text field */ } }
    } else if (focused && focused.id && !focused.isConnected) {
      const again = document.getElementById(focused.id);
      if (again) again.focus({ preventScroll: true });
    }
    if (window.htmx) window.htmx.process(region);
    // Scripts that set up elements of their own inside a part can do it again here.
    region.dispatchEvent(new CustomEvent("live:swapped", { bubbles: true }));
    return true;
  }

  function setUpLive() {
    const live = $("#live");
    if (!live || !window.fetch) return;
    const every = (Number(live.dataset.liveEvery) || 2) * 1000;
    let stamp = live.dataset.liveStamp; // what the page shows
    let latest = stamp; // what the server last said
    let etag = "";
    let timer = 0;
    let busy = false;
    let stopped = false;
    const shown = new Map($$("[data-live-region]").map((region) => [region.id, serverHtml(region)]));

    function markDirty(event) {
      const form = event.target.form || (event.target.closest && event.target.closest("form"));
      if (form) form.dataset.dirty = "true";
    }
    document.addEventListener("input", markDirty, true);
    document.addEventListener("change", markDirty, true);

    // What changed since the page's stamp, as the server said: region ids, or "*" for all.
    let changed = new Set();

    function noteChanged(parts) {
      if (changed.has("*") || parts === null || parts.trim() === "*") { changed = new Set(["*"]); return; }
      parts.trim().split(/\s+/).filter(Boolean).forEach((part) => changed.add(part));
    }

    // Swaps in each part of ``doc`` that changed; false when one had to wait (a form in
    // the way), to be tried again at the next turn.
    function swapParts(doc) {
      let complete = true;
      $$("[data-live-region]").forEach((region) => {
        const fresh = doc.getElementById(region.id);
        if (!fresh) return;
        const html = serverHtml(fresh);
        if (html === shown.get(region.id)) return;
        if (swapRegion(region, fresh)) shown.set(region.id, html);
        else complete = false;
      });
      return complete;
    }

    async function refresh() {
      // Only the parts that changed, when the server knows them; else the whole page.
      const url = new URL(location.href);
      url.hash = "";
      if (!changed.has("*") && changed.size) url.searchParams.set("parts", Array.from(changed).join(" "));
      const response = await fetch(url.pathname + url.search, {
        cache: "no-store", credentials: "same-origin", redirect: "manual",
      });
      if (!response.ok) return false;
      return swapParts(new DOMParser().parseFromString(await response.text(), "text/html"));
    }

    function swapById(answer) {
      Array.from(answer.body.children).forEach((element) => {
        if (element.hasAttribute("data-live-part")) return; // swapped by swapParts
        const target = element.id && document.getElementById(element.id);
        if (!target) return;
        element.removeAttribute("hx-swap-oob");
        const fresh = document.importNode(element, true);
        target.replaceWith(fresh);
        if (window.htmx) window.htmx.process(fresh);
      });
    }

    async function poll() {
      timer = 0;
      if (document.hidden) return; // asked again as soon as the tab is shown
      busy = true;
      try {
        const address = new URL(live.dataset.liveUrl, location.href);
        address.searchParams.set("since", stamp);
        const response = await fetch(address.pathname + address.search, {
          headers: etag ? { "If-None-Match": etag } : {},
          cache: "no-store", credentials: "same-origin", redirect: "manual",
        });
        if (response.type === "opaqueredirect" || response.status === 403 || response.status === 404) {
          stopped = true; // signed out, or the page is gone: a reload says so
          return;
        }
        const next = response.headers.get("X-Live-Stamp");
        if (response.status === 200 && next !== null) {
          etag = response.headers.get("ETag") || "";
          const parts = response.headers.get("X-Live-Parts");
          if (next !== latest) noteChanged(parts);
          latest = next;
          const answer = new DOMParser().parseFromString(await response.text(), "text/html");
          swapById(answer);
          // The answer carries the parts that changed since the page's stamp (maybe none:
          // nothing this page shows), when it can.
          if (parts !== null && parts.trim() !== "*" && swapParts(answer)) {
            stamp = next;
            changed = new Set();
          }
        }
        // A part left as it was (a form in the way) is tried again at the next turn.
        if (latest !== stamp && (response.status === 200 || response.status === 304)) {
          const seen = latest;
          if (await refresh()) { stamp = seen; changed = new Set(); }
        }
      } catch (error) {
        // Offline or the server restarting: ask again at the next turn.
      } finally {
        busy = false;
        schedule();
      }
    }

    function schedule() {
      if (!timer && !stopped && !document.hidden) timer = window.setTimeout(poll, every);
    }
    document.addEventListener("visibilitychange", () => {
      if (document.hidden || busy || stopped) return;
      window.clearTimeout(timer);
      timer = 0;
      poll();
    });
    schedule();
  }

  /* --- @mentions in a comment box: reviewers and editors whose name starts with what
     follows "@" (a listbox under the box: arrows move, Enter or Tab picks, Escape closes) --- */
  function setUpMentions(root) {
    $$("textarea[data-mentions]", root).forEach((box) => {
      if (box.dataset.mentionsReady) return;
      box.dataset.mentionsReady = "1";
      const url = box.dataset.mentions;
      const list = document.createElement("ul");
      list.className = "mention-list";
      list.id = `${box.id}-mentions`;
      list.setAttribute("role", "listbox");
      list.setAttribute("aria-label", "People to mention");
      list.hidden = true;
      box.after(list);
      box.setAttribute("aria-autocomplete", "list");
      box.setAttribute("aria-controls", list.id);
      let active = -1;
      let timer = null;
      let asked = 0;

      function typed() {
        const before = box.value.slice(0, box.selectionStart);
        const match = before.match(/(?:^|[^\w@.+-])@([\w.+-]*)$/);
        return match ? match[1] : null;
      }
      function close() {
        list.hidden = true;
        list.replaceChildren();
        active = -1;
        box.removeAttribute("aria-activedescendant");
      }
      function highlight(index) {
        const options = $$("li", list);
        if (!options.length) return;
        active = (index + options.length) % options.length;
        options.forEach((option, i) => option.setAttribute("aria-selected", String(i === active)));
        box.setAttribute("aria-activedescendant", options[active].id);
      }
      function choose(username) {
        const caret = box.selectionStart;
        const before = box.value.slice(0, caret);
        const at = before.lastIndexOf("@");
        box.value = `${before.slice(0, at + 1)}${username} ${box.value.slice(caret)}`;
        const after = at + username.length + 2;
        box.setSelectionRange(after, after);
        close();
        box.focus();
      }
      function show(people) {
        list.replaceChildren();
        people.forEach((person, i) => {
          const option = document.createElement("li");
          option.id = `${list.id}-${i}`;
          option.setAttribute("role", "option");
          option.dataset.username = person.username;
          const name = document.createElement("strong");
          name.textContent = `@${person.username}`;
          option.append(name);
          if (person.name && person.name !== person.username) option.append(` ${person.name}`);
          list.append(option);
        });
        list.hidden = !people.length;
        if (people.length) highlight(0);
      }
      function lookUp(prefix) {
        const ticket = ++asked;
        fetch(`${url}?q=${encodeURIComponent(prefix)}`, {
          headers: { Accept: "application/json" },
          credentials: "same-origin",
        })
          .then((response) => (response.ok ? response.json() : { people: [] }))
          .then((data) => {
            if (ticket === asked && typed() !== null) show(data.people || []);
          })
          .catch(close);
      }
      box.addEventListener("input", () => {
        const prefix = typed();
        clearTimeout(timer);
        if (prefix === null) return close();
        timer = setTimeout(() => lookUp(prefix), 120);
      });
      box.addEventListener("keydown", (event) => {
        if (list.hidden) return;
        if (event.key === "ArrowDown" || event.key === "ArrowUp") {
          event.preventDefault();
          highlight(active + (event.key === "ArrowDown" ? 1 : -1));
        } else if ((event.key === "Enter" || event.key === "Tab") && active >= 0) {
          event.preventDefault();
          choose($$("li", list)[active].dataset.username);
        } else if (event.key === "Escape") {
          event.preventDefault();
          close();
        }
      });
      box.addEventListener("blur", () => setTimeout(close, 150));
      list.addEventListener("mousedown", (event) => {
        const option = event.target.closest("li");
        if (!option) return;
        event.preventDefault();
        choose(option.dataset.username);
      });
    });
  }

  /* --- Suggested sentences: a dismissed one loses its underline in the text --- */
  function setUpSuggestionMarks() {
    document.body.addEventListener("htmx:afterSwap", () => {
      const panel = document.getElementById("suggestions");
      if (!panel) return;
      const listed = new Set(
        $$(".suggestion", panel).map((item) => `${item.dataset.start}-${item.dataset.end}`)
      );
      $$(".suggested[data-suggestion]").forEach((mark) => {
        const keys = mark.dataset.suggestion.split(" ");
        if (!keys.some((key) => listed.has(key))) mark.classList.remove("suggested");
      });
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    setUpLive();
    setUpTabs();
    setUpSuggestionMarks();
    setUpReader();
    setUpErrorFocus();
    setUpMentions(document);
    document.body.addEventListener("htmx:afterSwap", (event) => setUpMentions(event.detail.target));
    // A part of the page another reviewer's change brought in: its comment boxes too.
    document.addEventListener("live:swapped", (event) => setUpMentions(event.target));
  });
})();
