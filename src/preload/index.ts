// Placeholder: the shell issue exposes window.studio here.
export {}
