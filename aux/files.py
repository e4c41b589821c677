"""Uploaded files: which ones are public, and how a private one reaches the one reader allowed.

Two storages (settings.STORAGES, README: Configuration). "public" keeps the images anyone may
see, artist photos and brand logos (the model fields name `public_storage`); "default" keeps
every other upload, all private: contract PDFs, booking attachments, result screenshots and
personal-data exports. A private file has no URL of its own that works: its view checks who asks,
then `serve_private` answers. On the local folder (the demo, the tests, one host) the view
streams the file; on S3-compatible storage it redirects to a URL signed for
AUX_PRIVATE_FILE_URL_SECONDS, so the bytes come from the object store but only to the reader the
view let through, and a link copied from the browser stops working a minute later.
"""

from __future__ import annotations

import posixpath
import sys

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import content_disposition_header
from django.views.static import serve

# The upload_to folders of the fields stored on `public_storage`: the only local files served
# under MEDIA_URL (see public_file).
PUBLIC_DIRS = ("artists/photos/", "brands/logos/")


def public_storage() -> Storage:
    """The storage of the images anyone may see (a callable, so migrations name no backend)."""
    return storages["public"]


def serve_private(
    file: FieldFile, *, filename: str, content_type: str | None = None, inline: bool = False
) -> HttpResponse:
    """Answer with a private file; call it only once the reader's rights are checked.

    A download (Content-Disposition: attachment) unless `inline` (images we re-encoded). Never
    cached by a browser or a proxy: the next request is checked again.
    """
    storage = file.storage
    # An S3 storage exists only if its module was imported (by STORAGES): not importing it here
    # spares every process that stores files locally a second of boto3 at start.
    s3 = sys.modules.get("storages.backends.s3")
    if s3 is not None and isinstance(storage, s3.S3Storage):
        parameters = {
            "ResponseContentDisposition": content_disposition_header(not inline, filename)
        }
        if content_type:
            parameters["ResponseContentType"] = content_type
        url = storage.url(
            file.name, parameters=parameters, expire=settings.AUX_PRIVATE_FILE_URL_SECONDS
        )
        response: HttpResponse = HttpResponseRedirect(url)
    else:
        response = FileResponse(
            file.open("rb"), as_attachment=not inline, filename=filename, content_type=content_type
        )
    response["Cache-Control"] = "private, no-store"
    return response


def public_file(request: HttpRequest, path: str) -> HttpResponse:
    """A public image from the local folder (on S3 its URL points at the bucket instead).

    Only under PUBLIC_DIRS, after normalising the path: `artists/photos/../../contracts/x.pdf`
    must not reach a private file.
    """
    path = posixpath.normpath(path)
    if not path.startswith(PUBLIC_DIRS):
        raise Http404
    return serve(request, path, document_root=settings.MEDIA_ROOT)
