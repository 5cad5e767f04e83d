// Small behaviours shared by every staff page.
document.addEventListener("change", function (event) {
  // Our own file picker: show the chosen file's name beside the 选择文件 button.
  var input = event.target;
  if (!input.classList || !input.classList.contains("x-file-input")) return;
  var name = input.closest(".x-file").querySelector(".x-file-name");
  name.textContent = input.files.length ? input.files[0].name : "未选择文件";
});
