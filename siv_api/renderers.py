"""JSON that a browser saves rather than renders (ASVS 14.4.2): an API answer opened in a
browser tab, or loaded by a page that tricks the browser into treating it as HTML, is a
download named api.json, never a document."""

from rest_framework.renderers import JSONRenderer


class AttachmentJSONRenderer(JSONRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if response is not None and not response.has_header("Content-Disposition"):
            response["Content-Disposition"] = 'attachment; filename="api.json"'
        return super().render(data, accepted_media_type, renderer_context)
