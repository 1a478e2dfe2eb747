"""The gateway: CareLine's only public surface (API, web chat, SMS, nurse console)."""
