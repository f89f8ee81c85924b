//! Integration tests: the CLI end to end and the engine against closed forms.
