from rest_framework.pagination import PageNumberPagination


class CasePagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class PeoplePagination(PageNumberPagination):
    """A person-finder shows a short list: refine the search rather than page through people."""

    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 50
