/** Text as it may stand in HTML or SVG markup (element text or a quoted attribute): the reports and the chart pictures. */
export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
