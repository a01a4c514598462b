"""Reading the deck text: slides, tokens, figure descriptions and the readers that apply them."""
