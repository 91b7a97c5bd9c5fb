"""CleverInvo's terminal UI: a thin Textual shell over ``cleverinvo.core``."""
