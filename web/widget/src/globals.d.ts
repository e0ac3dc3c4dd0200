// Set by the build (internal/web/bundle): the minified widget.css.
declare const KITH_CSS: string;
