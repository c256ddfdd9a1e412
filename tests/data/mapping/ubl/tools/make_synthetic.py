#!/usr/bin/env python3
"""Writes the synthetic UBL 2.1 inputs of the golden cases (rewrites them).

Written after the EN 16931 UBL syntax binding, for what the two public examples lack: a
credit note that names the invoice it corrects (BT-25) with a due date in PaymentMeans, a
prepaid amount, buyer identifiers with ISO 6523 schemes (SIREN 0002, GLN 0088), a negative
invoice (valid in EN 16931), and bad values (an amount with a thousands separator, a date
in another format).
"""
import os

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)  # tests/data/mapping/ubl

NS = ('xmlns:cac="urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2" '
      'xmlns:cbc="urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"')


def buyer():
    return """
  <cac:AccountingCustomerParty>
    <cac:Party>
      <cbc:EndpointID schemeID="0009">55212022200013</cbc:EndpointID>
      <cac:PartyIdentification><cbc:ID schemeID="0088">3014531200102</cbc:ID></cac:PartyIdentification>
      <cac:PartyName><cbc:Name>Grand Magasin Exemple</cbc:Name></cac:PartyName>
      <cac:PostalAddress>
        <cbc:StreetName>29 boulevard Haussmann</cbc:StreetName>
        <cbc:CityName>Paris</cbc:CityName>
        <cbc:PostalZone>75009</cbc:PostalZone>
        <cac:Country><cbc:IdentificationCode>FR</cbc:IdentificationCode></cac:Country>
      </cac:PostalAddress>
      <cac:PartyTaxScheme>
        <cbc:CompanyID>FR27552120222</cbc:CompanyID>
        <cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme>
      </cac:PartyTaxScheme>
      <cac:PartyLegalEntity>
        <cbc:RegistrationName>Grand Magasin Exemple SA</cbc:RegistrationName>
        <cbc:CompanyID schemeID="0002">552120222</cbc:CompanyID>
      </cac:PartyLegalEntity>
    </cac:Party>
  </cac:AccountingCustomerParty>"""


def seller():
    return """
  <cac:AccountingSupplierParty>
    <cac:Party>
      <cac:PartyName><cbc:Name>Fournisseur Exemple SARL</cbc:Name></cac:PartyName>
      <cac:PostalAddress><cac:Country><cbc:IdentificationCode>FR</cbc:IdentificationCode></cac:Country></cac:PostalAddress>
      <cac:PartyTaxScheme><cbc:CompanyID>FR40303265045</cbc:CompanyID><cac:TaxScheme><cbc:ID>VAT</cbc:ID></cac:TaxScheme></cac:PartyTaxScheme>
      <cac:PartyLegalEntity><cbc:RegistrationName>Fournisseur Exemple SARL</cbc:RegistrationName></cac:PartyLegalEntity>
    </cac:Party>
  </cac:AccountingSupplierParty>"""


def totals(excl, tax, incl, prepaid, payable, ccy="EUR"):
    pre = f'\n    <cbc:PrepaidAmount currencyID="{ccy}">{prepaid}</cbc:PrepaidAmount>' if prepaid else ""
    return f"""
  <cac:TaxTotal><cbc:TaxAmount currencyID="{ccy}">{tax}</cbc:TaxAmount></cac:TaxTotal>
  <cac:LegalMonetaryTotal>
    <cbc:LineExtensionAmount currencyID="{ccy}">{excl}</cbc:LineExtensionAmount>
    <cbc:TaxExclusiveAmount currencyID="{ccy}">{excl}</cbc:TaxExclusiveAmount>
    <cbc:TaxInclusiveAmount currencyID="{ccy}">{incl}</cbc:TaxInclusiveAmount>{pre}
    <cbc:PayableAmount currencyID="{ccy}">{payable}</cbc:PayableAmount>
  </cac:LegalMonetaryTotal>"""


def credit_note():
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<CreditNote xmlns="urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2" {NS}>
  <cbc:CustomizationID>urn:cen.eu:en16931:2017</cbc:CustomizationID>
  <cbc:ID>AV-2026-0042</cbc:ID>
  <cbc:IssueDate>2026-03-10</cbc:IssueDate>
  <cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode>
  <cbc:DocumentCurrencyCode>EUR</cbc:DocumentCurrencyCode>
  <cbc:BuyerReference>SERVICE ACHATS 12</cbc:BuyerReference>
  <cac:OrderReference><cbc:ID>PO-77812</cbc:ID></cac:OrderReference>
  <cac:BillingReference>
    <cac:InvoiceDocumentReference><cbc:ID>FA-2026-0977</cbc:ID><cbc:IssueDate>2026-02-27</cbc:IssueDate></cac:InvoiceDocumentReference>
  </cac:BillingReference>
  <cac:AdditionalDocumentReference>
    <cbc:ID>AV-2026-0042.pdf</cbc:ID>
    <cac:Attachment><cac:ExternalReference><cbc:URI>https://invoices.example.com/AV-2026-0042.pdf</cbc:URI></cac:ExternalReference></cac:Attachment>
  </cac:AdditionalDocumentReference>{seller()}{buyer()}
  <cac:PaymentMeans>
    <cbc:PaymentMeansCode>30</cbc:PaymentMeansCode>
    <cbc:PaymentDueDate>2026-04-09</cbc:PaymentDueDate>
    <cbc:PaymentID>AV-2026-0042</cbc:PaymentID>
    <cac:PayeeFinancialAccount><cbc:ID>FR7630006000011234567890189</cbc:ID></cac:PayeeFinancialAccount>
  </cac:PaymentMeans>
  <cac:PaymentTerms><cbc:Note>Déduction sur la prochaine facture</cbc:Note></cac:PaymentTerms>{totals("1000.00", "200.00", "1200.00", "200.00", "1000.00")}
  <cac:CreditNoteLine>
    <cbc:ID>1</cbc:ID>
    <cbc:CreditedQuantity unitCode="C62">1</cbc:CreditedQuantity>
    <cbc:LineExtensionAmount currencyID="EUR">1000.00</cbc:LineExtensionAmount>
    <cac:Item><cbc:Name>Remise commerciale</cbc:Name></cac:Item>
    <cac:Price><cbc:PriceAmount currencyID="EUR">1000.00</cbc:PriceAmount></cac:Price>
  </cac:CreditNoteLine>
</CreditNote>
"""


def invoice(number, issue, due, excl, tax, incl, payable, ccy="EUR"):
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2" {NS}>
  <cbc:CustomizationID>urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0</cbc:CustomizationID>
  <cbc:ID>{number}</cbc:ID>
  <cbc:IssueDate>{issue}</cbc:IssueDate>
  <cbc:DueDate>{due}</cbc:DueDate>
  <cbc:InvoiceTypeCode>380</cbc:InvoiceTypeCode>
  <cbc:DocumentCurrencyCode>{ccy}</cbc:DocumentCurrencyCode>{seller()}{buyer()}
  <cac:PaymentMeans><cbc:PaymentMeansCode>58</cbc:PaymentMeansCode><cbc:PaymentID>{number}</cbc:PaymentID></cac:PaymentMeans>{totals(excl, tax, incl, None, payable, ccy)}
  <cac:InvoiceLine>
    <cbc:ID>1</cbc:ID>
    <cbc:InvoicedQuantity unitCode="C62">1</cbc:InvoicedQuantity>
    <cbc:LineExtensionAmount currencyID="{ccy}">{excl}</cbc:LineExtensionAmount>
    <cac:Item><cbc:Name>Article</cbc:Name></cac:Item>
    <cac:Price><cbc:PriceAmount currencyID="{ccy}">{excl}</cbc:PriceAmount></cac:Price>
  </cac:InvoiceLine>
</Invoice>
"""


def write(case, text):
    path = os.path.join(ROOT, case, "input.xml")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)


if __name__ == "__main__":
    write("synthetic_credit_note_reference", credit_note())
    # A negative invoice: a correction issued as an invoice with negative totals.
    write("synthetic_negative_invoice",
          invoice("FA-2026-1001", "2026-03-12", "2026-04-11", "-100.00", "-20.00", "-120.00",
                  "-120.00"))
    # Bad values: a thousands separator in an amount, a date in another format.
    write("bad_values",
          invoice("FA-2026-1002", "12/03/2026", "2026-04-11", "1,000.00", "200.00", "1,200.00",
                  "1,200.00"))
