"""CareLine's custom actions, served to Rasa by the rasa-sdk action server."""
