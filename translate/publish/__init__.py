"""Publishing: the gate, the French page (HTML or Markdown), typography, the manifest."""
