"""Developer and operator commands: run the stack, evaluate, benchmark."""
