// Put shaped (joined) Arabic text back in scope of axe's color-contrast rule.
// axe's own matcher drops text nodes its icon-ligature heuristic flags, and
// joined Arabic letters look like ligatures to it; so we accept any element
// that the original matcher rejects only for that reason.
(function () {
  var rule = axe._audit.rules.find(function (r) { return r.id === "color-contrast"; });
  var original = rule.matches.bind(rule);
  var SKIP = ["option", "select", "input", "textarea", "script", "style"];
  function hasOwnText(node) {
    return Array.prototype.some.call(node.childNodes, function (child) {
      return child.nodeType === 3 && /\S/.test(child.nodeValue);
    });
  }
  function visible(node) {
    var style = window.getComputedStyle(node);
    var rect = node.getBoundingClientRect();
    return style.visibility !== "hidden" && style.display !== "none" && rect.width > 0 && rect.height > 0 && parseFloat(style.fontSize) > 0;
  }
  axe.configure({
    rules: [{
      id: "color-contrast",
      matches: function (node, virtualNode) {
        if (original(node, virtualNode)) { return true; }
        if (SKIP.indexOf(node.nodeName.toLowerCase()) !== -1) { return false; }
        if (node.closest("[disabled], [inert], [aria-hidden='true']")) { return false; }
        return hasOwnText(node) && visible(node);
      }
    }]
  });
})();
