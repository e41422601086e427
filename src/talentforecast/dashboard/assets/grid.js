// The comparator of the server-sorted grids (tables.py): every row "equal", so the grid keeps the
// order the server sent; a header click only asks the server for the page in a new order.
window.dashAgGridFunctions = window.dashAgGridFunctions || {};
window.dashAgGridFunctions.talentforecastKeepOrder = function () { return 0; };
