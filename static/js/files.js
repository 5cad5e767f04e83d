// Several files under one name (the public page's and the petition form's attachments): show
// how many and which were chosen. Loaded from onsite/petition_files.html (no inline script:
// the Content-Security-Policy allows scripts from the site's own files only).
document.addEventListener("change", function (event) {
  var input = event.target;
  if (!input.classList || !input.classList.contains("x-files-input")) return;
  var names = Array.prototype.map.call(input.files, function (f) { return f.name; });
  input.closest(".x-file").querySelector(".x-file-name").textContent =
    names.length ? "已选择 " + names.length + " 个文件：" + names.join("、") : "未选择文件";
});
