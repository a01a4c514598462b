"""Charts of the deck's figures: house style, one function per chart kind, rendering and the gallery."""
