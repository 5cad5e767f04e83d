// Small behaviours shared by every staff page. No page carries inline script or on…
// handlers: the Content-Security-Policy (core.middleware.SecurityHeadersMiddleware) allows
// scripts from the site's own files only, so pages mark what they need with data- attributes.

// Confirmations: a form (or a button) marked data-confirm asks before it is sent; with
// data-confirm-when="field:a,b", only when that field holds one of the values. Listened to
// in the capture phase, so that a refusal stops HTMX's own handler too.
function xConfirmed(element) {
  var message = element.getAttribute("data-confirm");
  var when = element.getAttribute("data-confirm-when");
  if (when && element.elements) {
    var parts = when.split(":");
    var field = element.elements[parts[0]];
    if (!field || parts[1].split(",").indexOf(field.value) < 0) return true;
  }
  return window.confirm(message);
}
function xRefuse(event) {
  event.preventDefault();
  event.stopImmediatePropagation();
}
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (form.hasAttribute && form.hasAttribute("data-confirm") && !xConfirmed(form)) xRefuse(event);
}, true);
document.addEventListener("click", function (event) {
  var button = event.target.closest && event.target.closest("button[data-confirm], a[data-confirm]");
  if (button && !xConfirmed(button)) xRefuse(event);
}, true);
// A select marked data-autosubmit sends its form when changed (the pager's page size).
document.addEventListener("change", function (event) {
  var select = event.target;
  if (select.hasAttribute && select.hasAttribute("data-autosubmit") && select.form) select.form.submit();
});

// Our own file picker (the browser's own reads in the browser's language): a 选择文件 button
// and the chosen files' names. core/_field.html renders it; any other file input on a page is
// wrapped the same way when the page loads.
function xFileNames(input) {
  var names = Array.prototype.map.call(input.files, function (f) { return f.name; });
  if (!names.length) return "未选择文件";
  return names.length === 1 ? names[0] : "已选择 " + names.length + " 个文件：" + names.join("、");
}
document.addEventListener("change", function (event) {
  var input = event.target;
  if (!input.classList || !input.classList.contains("x-file-input")) return;
  input.closest(".x-file").querySelector(".x-file-name").textContent = xFileNames(input);
});
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("input[type=file]").forEach(function (input, n) {
    if (input.closest(".x-file")) return;
    if (!input.id) input.id = "x-file-" + n;
    var box = document.createElement("div");
    box.className = "x-file";
    var button = document.createElement("label");
    button.className = "btn btn-outline-secondary btn-sm mb-0";
    button.setAttribute("for", input.id);
    button.textContent = "选择文件";
    var name = document.createElement("span");
    name.className = "x-file-name";
    name.textContent = "未选择文件";
    input.parentNode.insertBefore(box, input);
    box.appendChild(button);
    box.appendChild(name);
    box.appendChild(input);
    input.classList.remove("form-control");
    input.classList.add("x-file-input");
  });
});

// Long selects are searchable: a select marked data-searchable, or holding more than 30
// options, gets a filter box above it. Typing narrows the options; Enter picks the first
// match; the down arrow moves to the list. The select itself stays the form's field.
(function () {
  function filter(select, box) {
    var q = box.value.trim().toLowerCase();
    var first = null;
    var shown = 0;
    Array.prototype.forEach.call(select.options, function (o) {
      var match = !q || o.value === "" || o.text.toLowerCase().indexOf(q) >= 0;
      o.setAttribute("data-filtered", match ? "" : "1");
      o.hidden = !match || o.getAttribute("data-withdrawn") === "1";
      if (!o.hidden && o.value !== "") {
        shown += 1;
        if (!first) first = o;
      }
    });
    box.x_first = first;
    box.setAttribute("aria-description", q ? "符合的选项 " + shown + " 个" : "");
    box.classList.toggle("is-invalid", Boolean(q) && !shown);
  }
  function enhance(select) {
    if (select.getAttribute("data-search-ready")) return;
    select.setAttribute("data-search-ready", "1");
    var label = select.id ? document.querySelector("label[for='" + select.id + "']") : null;
    var box = document.createElement("input");
    box.type = "search";
    box.className = "form-control form-control-sm mb-1 x-select-search";
    box.placeholder = "输入文字筛选选项";
    box.autocomplete = "off";
    box.setAttribute("aria-label", "筛选" + (label ? "“" + label.textContent.trim() + "”的" : "") + "选项");
    select.parentNode.insertBefore(box, select);
    box.addEventListener("input", function () { filter(select, box); });
    box.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        if (box.x_first) {
          if (select.multiple) box.x_first.selected = true; else select.value = box.x_first.value;
          select.dispatchEvent(new Event("change", { bubbles: true }));
        }
      } else if (event.key === "ArrowDown") {
        event.preventDefault();
        select.focus();
      }
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("select").forEach(function (select) {
      if (select.hasAttribute("data-searchable") || select.options.length > 30) enhance(select);
    });
  });
})();

// A refused form says so at its top, not only beside each field: pages that do not include
// core/_form_errors.html get the same summary built from the fields' own messages.
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("form").forEach(function (form) {
    if (form.querySelector(".x-form-errors")) return;
    var items = [];
    form.querySelectorAll(".invalid-feedback").forEach(function (fb) {
      var box = fb.closest(".mb-3") || fb.parentNode;
      var label = box.querySelector("label.form-label, legend");
      var text = fb.textContent.trim();
      if (text) items.push((label ? label.textContent.trim() + "：" : "") + text);
    });
    if (!items.length) return;
    var summary = document.createElement("div");
    summary.className = "alert alert-danger py-2 x-form-errors";
    summary.setAttribute("role", "alert");
    var head = document.createElement("div");
    head.className = "fw-semibold";
    head.textContent = "提交未成功，请按提示修改后再提交：";
    var list = document.createElement("ul");
    list.className = "mb-0 ps-3";
    items.forEach(function (text) {
      var li = document.createElement("li");
      li.textContent = text;
      list.appendChild(li);
    });
    summary.appendChild(head);
    summary.appendChild(list);
    var first = form.querySelector("input[type=hidden][name=csrfmiddlewaretoken]");
    form.insertBefore(summary, first ? first.nextSibling : form.firstChild);
  });
});

// Choices that depend on another field of the same form. An option or input marked
// data-show-if="kind:leads,cadre" is offered only while the form's "kind" holds one of those
// values; data-hide-if="receiver:3,5" withdraws it while "receiver" holds one of those. A
// withdrawn choice is hidden, disabled and unselected, so the form never offers what the
// server would refuse. A fieldset may carry the same marks.
(function () {
  function value(form, name) {
    var field = form.elements[name];
    return field && field.value !== undefined ? field.value : "";
  }
  function holds(form, rule) {
    var at = rule.indexOf(":");
    var current = value(form, rule.slice(0, at));
    return current !== "" && rule.slice(at + 1).split(",").indexOf(current) >= 0;
  }
  function apply(form) {
    form.querySelectorAll("[data-show-if], [data-hide-if]").forEach(function (el) {
      var show = true;
      var rule = el.getAttribute("data-show-if");
      if (rule && value(form, rule.slice(0, rule.indexOf(":"))) !== "" && !holds(form, rule)) show = false;
      rule = el.getAttribute("data-hide-if");
      if (rule && holds(form, rule)) show = false;
      var box = el.tagName === "OPTION" || el.tagName === "FIELDSET" ? el : el.closest(".form-check") || el;
      el.setAttribute("data-withdrawn", show ? "" : "1");
      box.hidden = !show || el.getAttribute("data-filtered") === "1";
      el.disabled = !show;
      if (!show && el.tagName === "OPTION" && el.selected) el.parentNode.value = "";
      if (!show && el.tagName === "INPUT") el.checked = false;
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form").forEach(function (form) {
      if (!form.querySelector("[data-show-if], [data-hide-if]")) return;
      apply(form);
      form.addEventListener("change", function () { apply(form); });
    });
  });
})();
