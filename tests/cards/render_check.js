// In-page checks of one Adaptive Card rendered by Microsoft's renderer (npm `adaptivecards`) with a Teams-like
// host configuration, used by tests/cards/test_cards_in_browser.py. `window.cardCheck.render(card)` shows a card
// on the stage; `window.cardCheck.check(card)` renders it afresh several times and reports what a person would
// meet: text or button titles cut off, inputs without a label, a form that cannot be sent with valid input,
// or cannot be cancelled while empty.
"use strict";

(function () {
  const AC = window.AdaptiveCards;
  let hostConfig = null;

  function stage() {
    return document.getElementById("stage");
  }

  function render(payload) {
    const card = new AC.AdaptiveCard();
    card.hostConfig = hostConfig;
    const executed = [];
    card.onExecuteAction = (action) => executed.push(action);
    card.parse(payload);
    const element = card.render();
    stage().replaceChildren(element);
    return { card, element, executed };
  }

  function shown(element) {
    return element.getClientRects().length > 0;
  }

  function snippet(text) {
    const flat = text.replace(/\s+/g, " ").trim();
    return flat.length > 70 ? flat.slice(0, 70) + "…" : flat;
  }

  const measure = document.createElement("canvas").getContext("2d");

  function clipped(root) {
    const problems = [];
    const rootBox = root.getBoundingClientRect();
    for (const element of root.querySelectorAll("*")) {
      if (!shown(element)) continue;
      const text = (element.innerText || "").trim();
      if (!text) continue;
      const style = getComputedStyle(element);
      if (style.overflowX !== "visible" && element.scrollWidth > element.clientWidth + 1) {
        problems.push(`cut off (too wide): "${snippet(text)}"`);
      } else if (style.overflowY !== "visible" && element.scrollHeight > element.clientHeight + 1) {
        problems.push(`cut off (too many lines): "${snippet(text)}"`);
      }
      const box = element.getBoundingClientRect();
      if (box.right > rootBox.right + 1 || box.left < rootBox.left - 1) {
        problems.push(`sticks out of the card: "${snippet(text)}"`);
      }
      if (element.tagName === "SELECT") {
        measure.font = style.font;
        for (const option of element.options) {
          // the select shows the chosen option on one line, next to its drop-down arrow
          if (measure.measureText(option.text).width > element.clientWidth - 32) {
            problems.push(`choice cut off in a drop-down: "${snippet(option.text)}"`);
          }
        }
      }
    }
    return [...new Set(problems)];
  }

  function labelled(card) {
    const problems = [];
    for (const input of card.getAllInputs()) {
      const root = input.renderedElement || input.renderedInputControlElement;
      if (!root || !shown(root)) continue; // not on screen (e.g. in a card behind a button)
      // a choice list labels each of its radio buttons or check boxes
      const control = root.matches("[aria-labelledby]") ? root : root.querySelector("[aria-labelledby]");
      const ids = control ? (control.getAttribute("aria-labelledby") || "").split(" ").filter(Boolean) : [];
      const text = ids.map((id) => (document.getElementById(id) || {}).innerText || "").join(" ").trim();
      if (!input.label || !text) {
        problems.push(`input "${input.id}" has no visible label`);
      }
    }
    return problems;
  }

  const TEXT_CANDIDATES = [
    "Anna de Vries", "anna.devries@utrecht.example.nl", "06 12345678", "+31 6 12345678", "12", "5000",
    "https://teams.microsoft.com/l/meetup-join/abc", "14:00", "2027-01-15",
  ];

  function textValue(input) {
    const style = (input.style || "").toString().toLowerCase();
    let candidates = TEXT_CANDIDATES;
    if (style === "email") candidates = ["anna.devries@utrecht.example.nl"];
    else if (style === "tel") candidates = ["+31 6 12345678"];
    else if (style === "url") candidates = ["https://teams.microsoft.com/l/meetup-join/abc"];
    let value = candidates[0];
    if (input.regex) {
      const pattern = new RegExp(input.regex);
      value = TEXT_CANDIDATES.concat(candidates).find((candidate) => pattern.test(candidate)) || value;
    }
    return input.maxLength ? value.slice(0, input.maxLength) : value;
  }

  function setControl(control, value) {
    control.value = value;
    control.dispatchEvent(new Event("input", { bubbles: true }));
    control.dispatchEvent(new Event("change", { bubbles: true }));
  }

  // Fills an input with a realistic valid value, the way a person would in the rendered card.
  function fill(input) {
    const root = input.renderedElement || input.renderedInputControlElement;
    if (!root) return; // not on screen (e.g. in a card behind a button)
    const control = (selector) => (root.matches(selector) ? root : root.querySelector(selector));
    const type = input.getJsonTypeName();
    if (type === "Input.Toggle") {
      const box = control("input[type=checkbox]");
      if (!box.checked) box.click();
    } else if (type === "Input.ChoiceSet") {
      const select = control("select");
      if (select) {
        const option = Array.from(select.options).find((o) => o.value !== "");
        setControl(select, option ? option.value : "");
      } else {
        const first = root.querySelector("input[type=radio], input[type=checkbox]");
        if (first && !first.checked) first.click();
      }
    } else if (type === "Input.Number") {
      let value = input.min !== undefined ? Math.max(input.min, 1) : 2;
      if (input.max !== undefined) value = Math.min(value, input.max);
      setControl(control("input"), String(value));
    } else if (type === "Input.Date") {
      setControl(control("input"), input.min || "2027-01-15");
    } else if (type === "Input.Time") {
      setControl(control("input"), input.min || "14:00");
    } else {
      setControl(control("input, textarea"), textValue(input));
    }
  }

  function sendsInputs(action) {
    return action.getJsonTypeName() === "Action.Submit" && action.associatedInputs !== "none";
  }

  function isCancel(action) {
    const data = action.data || {};
    return action.getJsonTypeName() === "Action.Submit" && /(^|\.)(cancel|stop)$/.test(String(data.action || ""));
  }

  function click(action) {
    action.renderedElement.click();
  }

  function invalidInputs(card) {
    return card.getAllInputs().filter((input) => !input.validateValue()).map((input) => input.id);
  }

  function forms(payload) {
    const problems = [];
    let { card } = render(payload);
    if (card.getAllInputs().length === 0) return problems;
    const actions = card.getAllActions().filter((action) => action.getJsonTypeName() === "Action.Submit");
    const cancels = actions.filter(isCancel);
    const submits = actions.filter((action) => sendsInputs(action) && !isCancel(action));
    const required = card.getAllInputs().some((input) => input.isRequired && !input.isSet());
    if (required && cancels.length === 0) problems.push("a form without a cancel button");
    if (submits.length === 0) problems.push("a form without a button that sends it");
    for (const index of cancels.map((action) => actions.indexOf(action))) {
      const fresh = render(payload);
      const cancel = fresh.card.getAllActions().filter((a) => a.getJsonTypeName() === "Action.Submit")[index];
      click(cancel);
      if (fresh.executed.length !== 1) problems.push(`"${cancel.title}" does not work on an empty form`);
    }
    for (const mode of ["required", "all"]) {
      const fresh = render(payload);
      for (const input of fresh.card.getAllInputs()) {
        if (mode === "all" || input.isRequired) fill(input);
      }
      const buttons = fresh.card.getAllActions().filter((a) => sendsInputs(a) && !isCancel(a));
      for (const button of buttons) {
        const before = fresh.executed.length;
        click(button);
        if (fresh.executed.length !== before + 1) {
          const which = mode === "required" ? "only the required fields" : "every field";
          problems.push(`"${button.title}" does not send the form with valid values in ${which}; refused: ${invalidInputs(fresh.card).join(", ")}`);
        }
      }
    }
    return problems;
  }

  window.cardCheck = {
    configure(config) {
      hostConfig = new AC.HostConfig(config);
    },
    render(payload) {
      render(payload);
    },
    check(payload) {
      const problems = [];
      const { card, element } = render(payload);
      problems.push(...clipped(element));
      problems.push(...labelled(card));
      problems.push(...forms(payload));
      render(payload); // leave the card as a person first sees it, for the screenshot
      return problems;
    },
  };
})();
