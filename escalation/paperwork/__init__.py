"""Paperwork as PDF: the complaint letter (投诉书) for 12315 or a consumer association,
and the draft civil complaint (民事起诉状) for court, each with the evidence list
(证据目录) and the sanitised images, made by the server with ReportLab.

- documents.py: what each document says, from the packet's fields and timeline.
- layout.py: fonts and page layout (an embedded WenQuanYi Micro Hei subset, fonts/).
- court_guide.py: the page on small claims and the internet courts, with sources.
- views.py: the consumer's downloads; staff download through staff.packet_views (logged).
"""
